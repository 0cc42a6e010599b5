/**
 * What watches a traced call besides its span: the metrics recorder (duration, tokens, time to first chunk,
 * errors) and, under the latest-conventions opt-in, the stream attributes only known at the end
 * (`gen_ai.response.time_to_first_chunk`, finish reasons `["error"]`). `TracedCall` reports to it at four points;
 * with metrics and the opt-in off there is no observer and the cost is two flag checks per traced call.
 */
import type { Span } from '@opentelemetry/api';
import { conventions, serverOf } from './attributes/latest-conventions';
import type { AttributeMap } from './coerce';
import { errorType } from './error-description';
import { metrics } from './metrics/metrics-state';
import type { MetricsRecorder } from './metrics/recorder';
import { ATTR_GEN_AI_RESPONSE_FINISH_REASONS, BACKEND_TRACER_NAME } from './semconv';
import { GEN_AI_LATEST } from './semconv-gen-ai-v1-41';
import type { SpanRecipe } from './traced-call';
import { describeError, warnOnce } from './warnings';

/** The points at which a `TracedCall` reports to its observer. None of them may throw. */
export interface CallObserver {
  /** Attributes on their way to the span (start, result, or a stream's collected chunks). */
  attributes(attributes: AttributeMap): void;
  /** One stream chunk, after its attributes were collected into `collected`. */
  chunk(span: Span, chunk: unknown, collected: AttributeMap): void;
  /** The call is failing with `error` (called before the span's error is recorded; ignored after the end). */
  failing(error: unknown): void;
  /** The span is about to end. */
  ended(span: Span): void;
}

/** The observer for a new call of `recipe`, or undefined when neither metrics nor the opt-in need one. */
export function observeCall(recipe: SpanRecipe, self: unknown, span: Span): CallObserver | undefined {
  const recorder = metrics.recorder;
  if (recorder === undefined && !conventions.latest) return undefined;
  if (recipe.scope.name !== BACKEND_TRACER_NAME) return undefined;
  const latest = conventions.latest && span.isRecording();
  if (recorder === undefined && !latest) return undefined;
  return new BackendCallObserver(recorder, latest, self);
}

const FINISH_REASON_ERROR = ['error'];

class BackendCallObserver implements CallObserver {
  private readonly startedAt = performance.now();
  /** The attribute maps the span got, in order (kept by reference: the recorder reads a handful of keys). */
  private readonly seen: AttributeMap[] = [];
  private collected: AttributeMap | undefined;
  private firstChunkAt: number | undefined;
  private failed = false;
  private error: unknown;
  private done = false;

  constructor(
    private readonly recorder: MetricsRecorder | undefined,
    private readonly latest: boolean,
    private readonly self: unknown,
  ) {}

  attributes(attributes: AttributeMap): void {
    if (this.recorder !== undefined && attributes !== this.collected) this.seen.push(attributes);
  }

  chunk(span: Span, chunk: unknown, collected: AttributeMap): void {
    this.collected = collected;
    if (this.firstChunkAt !== undefined || !carriesContent(chunk)) return;
    this.firstChunkAt = performance.now();
    if (this.latest)
      span.setAttribute(GEN_AI_LATEST.attributes.responseTimeToFirstChunk, this.seconds(this.firstChunkAt));
  }

  failing(error: unknown): void {
    if (this.done) return;
    this.failed = true;
    this.error = error;
  }

  ended(span: Span): void {
    if (this.done) return;
    this.done = true;
    try {
      const stream = this.collected !== undefined;
      // A stream that failed or stopped before the event carrying its finish reason.
      if (this.latest && stream && this.collected![ATTR_GEN_AI_RESPONSE_FINISH_REASONS] === undefined)
        span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, FINISH_REASON_ERROR);
      if (this.recorder === undefined) return;
      if (stream) this.seen.push(this.collected!);
      this.recorder.recordBackendCall({
        attributes: this.seen,
        server: serverOf(this.self),
        durationSeconds: this.seconds(performance.now()),
        timeToFirstChunkSeconds: this.firstChunkAt === undefined ? undefined : this.seconds(this.firstChunkAt),
        failed: this.failed,
        error: this.error,
        errorType: this.failed ? errorType(this.error) : undefined,
      });
    } catch (error) {
      warnOnce('metrics:record', `could not record the metrics of a backend call: ${describeError(error)}`);
    }
  }

  private seconds(at: number): number {
    return (at - this.startedAt) / 1000;
  }
}

/**
 * Whether a stream chunk carries generated content (text, a tool call), as opposed to framing (a role-only
 * first delta, `message_start`, a usage-only last event): time to first chunk counts to the first content.
 * Shapes: this package's runtime (`delta`), OpenAI (`choices[].delta.content`/`tool_calls`, `choices[].text`),
 * Anthropic (`content_block_delta`), Ollama (`message.content`, `response`), the AI SDK (`text-delta`), strings.
 */
export function carriesContent(chunk: unknown): boolean {
  if (typeof chunk === 'string') return chunk !== '';
  if (chunk === null || typeof chunk !== 'object') return false;
  try {
    const c = chunk as Record<string, any>;
    if (nonEmpty(c.delta) || nonEmpty(c.text) || nonEmpty(c.content) || nonEmpty(c.response) || nonEmpty(c.textDelta))
      return true;
    if (nonEmpty(c.message?.content) || (Array.isArray(c.message?.tool_calls) && c.message.tool_calls.length > 0))
      return true;
    if (c.delta !== null && typeof c.delta === 'object' && (nonEmpty(c.delta.text) || nonEmpty(c.delta.partial_json)))
      return true;
    const choices = c.choices;
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (nonEmpty(choice?.text) || nonEmpty(choice?.delta?.content) || nonEmpty(choice?.delta?.refusal)) return true;
        if (Array.isArray(choice?.delta?.tool_calls) && choice.delta.tool_calls.length > 0) return true;
      }
    }
    return false;
  } catch {
    return false;
  }
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
