/**
 * One open span: its recipe, the attributes it collects, and ending it exactly once — successfully, with a
 * stream's collected attributes, or as failed (exception event, ERROR status, `error.type`).
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { type Context, type Span, type SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { CallObserver } from './call-observer';
import { type AttributeMap, toAttributeValue } from './coerce';
import { contentAttributeValue, isContentAttribute } from './content/record';
import { errorMessage, errorStack, errorType } from './error-description';
import { ATTR_ERROR_TYPE, ATTR_MELLEA_STREAM_ABANDONED } from './semconv';
import { state, type TraceScope } from './state';
import { describeError, warnOnce } from './warnings';

/** How one decorated method turns a call into a span. Built once per decorated method. */
export interface SpanRecipe {
  readonly scope: TraceScope;
  readonly kind: SpanKind;
  /** Used in warnings: `Class.method` is not known at decoration time in every dialect, so the method name. */
  readonly label: string;
  /** The span name for this call (backend spans may infer their operation from the arguments, or the model from `self`). */
  spanName(args: ArrayLike<unknown>, self?: unknown): string;
  /** Writes the attributes known at the start of the call. Only called for recording spans. */
  startAttributes(self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void;
  /** Writes the attributes taken from the call's result. Only called for recording spans. */
  resultAttributes?(result: unknown, self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void;
  /**
   * Writes the attributes taken from one chunk of a streamed result into `out`, the map collected over the whole
   * stream (so a writer may keep what earlier chunks set, or accumulate); it is set on the span when it ends.
   */
  chunkAttributes?(chunk: unknown, self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void;
  /** Events taken from the call's result (e.g. `gen_ai.evaluation.result`). Only called for recording spans. */
  resultEvents?(result: unknown, self: unknown, args: ArrayLike<unknown>): readonly SpanEventInput[] | undefined;
}

/** An event a recipe adds to its span; its attributes are set like the span's (content ones through the gate). */
export interface SpanEventInput {
  readonly name: string;
  readonly attributes: AttributeMap;
}

/** One open span and what is needed to end it exactly once. */
export class TracedCall {
  /** Whether the attribute hooks run: the span records, or an observer (metrics) needs the attributes. */
  readonly recording: boolean;
  /** Whether the span itself records: when only an observer needs the call, no content is read or set. */
  private readonly spanRecording: boolean;
  private ended = false;

  constructor(
    readonly span: Span,
    readonly recipe: SpanRecipe,
    readonly self: unknown,
    readonly args: ArrayLike<unknown>,
    /** The context in which the span is active. */
    readonly context: Context,
    /** Metrics and the latest conventions watch the call through this (undefined when both are off). */
    readonly observer?: CallObserver,
  ) {
    this.spanRecording = span.isRecording();
    // Metrics need the call's attributes even when the span is not recorded (tracing off, or sampled out).
    this.recording = observer !== undefined || this.spanRecording;
  }

  /** Records the start attributes; a throwing extractor costs its attributes, nothing more. */
  recordStart(): void {
    const out: AttributeMap = {};
    const suspended = this.suspendCapture();
    try {
      this.recipe.startAttributes(this.self, this.args, out);
    } catch (error) {
      this.warnExtractor(error);
    } finally {
      this.resumeCapture(suspended);
    }
    this.setAttributes(out);
  }

  private recordResult(result: unknown): void {
    const writer = this.recipe.resultAttributes;
    if (writer === undefined) return;
    const out: AttributeMap = {};
    const suspended = this.suspendCapture();
    try {
      writer.call(this.recipe, result, this.self, this.args, out);
    } catch (error) {
      this.warnExtractor(error);
    } finally {
      this.resumeCapture(suspended);
    }
    this.setAttributes(out);
    if (this.spanRecording && this.recipe.resultEvents !== undefined) this.recordEvents(result);
  }

  /**
   * For a span that records nothing (the call is observed for its metrics only), message capture is suspended
   * while the recipe's hooks run: no content is read for a span that cannot carry it. Returns the previous state
   * to restore, or undefined when nothing was changed (the span records).
   */
  private suspendCapture(): boolean | undefined {
    if (this.spanRecording) return undefined;
    const previous = state.capture.suspended;
    state.capture.suspended = true;
    return previous;
  }

  private resumeCapture(previous: boolean | undefined): void {
    if (previous !== undefined) state.capture.suspended = previous;
  }

  private recordEvents(result: unknown): void {
    try {
      for (const event of this.recipe.resultEvents?.(result, this.self, this.args) ?? []) {
        const attributes: Attributes = {};
        for (const key in event.attributes) {
          const value = this.attributeValue(key, event.attributes[key]);
          if (value !== undefined) attributes[key] = value;
        }
        this.span.addEvent(event.name, attributes);
      }
    } catch (error) {
      this.warnExtractor(error);
    }
  }

  /** Collects a stream chunk's attributes into `into` (later chunks overwrite earlier ones). */
  recordChunk(chunk: unknown, into: AttributeMap): void {
    const suspended = this.suspendCapture();
    try {
      this.recipe.chunkAttributes?.(chunk, this.self, this.args, into);
    } catch (error) {
      this.warnExtractor(error);
    } finally {
      this.resumeCapture(suspended);
    }
    this.observer?.chunk(this.span, chunk, into);
  }

  private warnExtractor(error: unknown): void {
    warnOnce(
      `extractor:${this.recipe.label}`,
      `an attribute extractor for ${this.recipe.label} threw; its attributes are left out: ${describeError(error)}`,
    );
  }

  /** Sets already-collected attributes (coerced; undefined/null skipped); a hostile value costs its attribute. */
  setAttributes(attributes: AttributeMap): void {
    this.observer?.attributes(attributes);
    // A span that records nothing: no value is coerced, and no content passes the gate (redaction, serialising).
    if (!this.spanRecording) return;
    for (const key in attributes) {
      const value = this.attributeValue(key, attributes[key]);
      if (value === undefined) continue;
      try {
        this.span.setAttribute(key, value);
      } catch (error) {
        warnOnce(`span:attribute:${this.recipe.label}`, `could not set a span attribute: ${describeError(error)}`);
      }
    }
  }

  /** Content attributes (prompts, responses) pass the content gate: switch, redaction, bound. */
  private attributeValue(key: string, raw: unknown): AttributeValue | undefined {
    if (isContentAttribute(key)) return contentAttributeValue(key, raw);
    // Most values are primitives, which need no coercion: decided here, without a call.
    const type = typeof raw;
    return type === 'string' || type === 'number' || type === 'boolean'
      ? (raw as AttributeValue)
      : toAttributeValue(raw);
  }

  /** Whether the span has ended. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Ends the span successfully, first recording the result's attributes. */
  succeed(result: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (this.recording) this.recordResult(result);
    this.end();
  }

  /** Ends the span after a stream finished, with the attributes its chunks carried. */
  succeedWith(attributes: AttributeMap | undefined): void {
    if (this.ended) return;
    this.ended = true;
    if (this.recording && attributes !== undefined) this.setAttributes(attributes);
    this.end();
  }

  /**
   * Ends the span of a stream whose consumer let it go (collected, or still open at exit / shutdown): the chunks'
   * attributes so far and `mellea.stream.abandoned = true`; the status stays UNSET.
   */
  abandon(attributes: AttributeMap | undefined): void {
    if (this.ended) return;
    this.ended = true;
    if (this.recording) {
      if (attributes !== undefined) this.setAttributes(attributes);
      this.setAttributes({ [ATTR_MELLEA_STREAM_ABANDONED]: true });
    }
    this.end();
  }

  /**
   * Ends the span as failed: ERROR status, `error.type` = the error's class name, and — on the span where the error
   * happened only — an exception event. An ancestor the same error passes through gets the status and `error.type`
   * and a status message pointing at that span, not another copy of the text. Messages are bounded and without
   * URL credentials; with content off they are content-free (see error-description.ts).
   */
  fail(error: unknown): void {
    this.observer?.failing(error);
    if (this.ended) return;
    this.ended = true;
    if (this.recording) {
      try {
        this.recordError(error);
      } catch (recordError) {
        warnOnce(
          `span:error:${this.recipe.label}`,
          `could not record an error on a span: ${describeError(recordError)}`,
        );
      }
    }
    this.end();
  }

  private recordError(error: unknown): void {
    // Status first: an error whose getters throw still makes an ERROR span.
    this.span.setStatus({ code: SpanStatusCode.ERROR });
    const type = errorType(error);
    const { traceId, spanId } = this.span.spanContext();
    const origin = typeof error === 'object' && error !== null ? recordedOn.get(error) : undefined;
    this.span.setAttribute(ATTR_ERROR_TYPE, type);
    if (origin !== undefined && origin.traceId === traceId) {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: `${type} raised in span ${origin.spanId}` });
      return;
    }
    const message = errorMessage(error, state.content);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    const stack = errorStack(error, message);
    this.span.recordException({ name: type, message, ...(stack === undefined ? {} : { stack }) });
    if (typeof error === 'object' && error !== null) recordedOn.set(error, { traceId, spanId });
  }

  private end(): void {
    const observer = this.observer;
    observer?.ending(this.span);
    try {
      this.span.end();
    } catch (error) {
      warnOnce(`span:end:${this.recipe.label}`, `could not end a span: ${describeError(error)}`);
    }
    observer?.ended(this.span);
  }
}

/** Where each error was recorded with its exception event (weakly held: the error object itself is untouched). */
const recordedOn = new WeakMap<object, { traceId: string; spanId: string }>();
