/**
 * What watches a traced call besides its span: the metrics recorder (duration, tokens, time to first chunk,
 * errors) and, under the latest-conventions opt-in, the stream attributes only known at the end
 * (`gen_ai.response.time_to_first_chunk`, finish reasons `["error"]`). `TracedCall` reports to it at five points;
 * with metrics and the opt-in off there is no observer and the cost is two flag checks per traced call.
 */
import type { Span } from '@opentelemetry/api';
import { conventions, serverOf } from './attributes/latest-conventions';
import type { AttributeMap } from './coerce';
import { errorType } from './error-description';
import { metrics } from './metrics/metrics-state';
import type { BackendCallRecord, MetricsRecorder } from './metrics/recorder';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  BACKEND_TRACER_NAME,
} from './semconv';
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
  /** The span is about to end (attributes set here still reach it). */
  ending(span: Span): void;
  /** The span has ended (its duration is known). */
  ended(span: Span): void;
}

/** The observer for a new call of `recipe`, or undefined when neither metrics nor the opt-in need one. */
export function observeCall(recipe: SpanRecipe, self: unknown, span: Span): CallObserver | undefined {
  const recorder = metrics.recorder;
  if (recorder === undefined && !conventions.latest) return undefined;
  if (recipe.scope.name !== BACKEND_TRACER_NAME) return undefined;
  const latest = conventions.latest && span.isRecording();
  if (recorder === undefined && !latest) return undefined;
  return new BackendCallObserver(recorder, latest, self, span);
}

const FINISH_REASON_ERROR = ['error'];
// Module constants, so each read below is a load of one fixed name (fast on the few map shapes a recipe makes).
const OPERATION = ATTR_GEN_AI_OPERATION_NAME;
const SYSTEM = ATTR_GEN_AI_SYSTEM;
const PROVIDER = GEN_AI_LATEST.attributes.providerName;
const REQUEST_MODEL = ATTR_GEN_AI_REQUEST_MODEL;
const RESPONSE_MODEL = ATTR_GEN_AI_RESPONSE_MODEL;
const INPUT_TOKENS = ATTR_GEN_AI_USAGE_INPUT_TOKENS;
const OUTPUT_TOKENS = ATTR_GEN_AI_USAGE_OUTPUT_TOKENS;

/**
 * Watches one backend call. It keeps only what the recorder reads — the last value of seven keys over the
 * span's attribute maps, taken as each map goes by — and hands itself over as the call's record at the end.
 */
class BackendCallObserver implements CallObserver, BackendCallRecord {
  /** When the call started (`performance.now()`): the SDK span's own start when it has one, else read here. */
  private readonly startedAt: number;
  operation: unknown = undefined;
  system: unknown = undefined;
  provider: unknown = undefined;
  requestModel: unknown = undefined;
  responseModel: unknown = undefined;
  inputTokens: unknown = undefined;
  outputTokens: unknown = undefined;
  server: { readonly address: string; readonly port: number } | undefined = undefined;
  durationSeconds = 0;
  timeToFirstChunkSeconds: number | undefined = undefined;
  failed = false;
  error: unknown = undefined;
  errorType: string | undefined = undefined;
  /** A stream's collected attributes: still changing until the end, so read then. */
  private collected: AttributeMap | undefined = undefined;
  private firstChunkAt: number | undefined = undefined;
  private done = false;

  constructor(
    private readonly recorder: MetricsRecorder | undefined,
    private readonly latest: boolean,
    private readonly self: unknown,
    span: Span,
  ) {
    // The SDK's span keeps the `performance.now()` of its start (not in its public type): sharing it makes the
    // duration exactly the span's and spares a clock read. Any other span: the clock, read now.
    const spanStart = (span as { _performanceStartTime?: unknown })._performanceStartTime;
    this.startedAt = typeof spanStart === 'number' ? spanStart : performance.now();
  }

  attributes(attributes: AttributeMap): void {
    if (this.recorder !== undefined && attributes !== this.collected) this.take(attributes);
  }

  /** Later maps override earlier ones, key by key (an absent key keeps the earlier value). */
  private take(map: AttributeMap): void {
    let value: unknown = map[OPERATION];
    if (value !== undefined) this.operation = value;
    value = map[SYSTEM];
    if (value !== undefined) this.system = value;
    value = map[PROVIDER];
    if (value !== undefined) this.provider = value;
    value = map[REQUEST_MODEL];
    if (value !== undefined) this.requestModel = value;
    value = map[RESPONSE_MODEL];
    if (value !== undefined) this.responseModel = value;
    value = map[INPUT_TOKENS];
    if (value !== undefined) this.inputTokens = value;
    value = map[OUTPUT_TOKENS];
    if (value !== undefined) this.outputTokens = value;
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

  ending(span: Span): void {
    if (this.done) return;
    this.done = true;
    const collected = this.collected;
    // A stream that failed or stopped before the event carrying its finish reason.
    if (this.latest && collected !== undefined && collected[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] === undefined) {
      try {
        span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, FINISH_REASON_ERROR);
      } catch (error) {
        warnOnce('span:attribute:finish-reasons', `could not set a span attribute: ${describeError(error)}`);
      }
    }
  }

  /** Called once, right after {@link ending} (TracedCall ends a span once). */
  ended(span: Span): void {
    const recorder = this.recorder;
    if (recorder === undefined) return;
    try {
      this.durationSeconds = this.durationOf(span);
      if (this.collected !== undefined) this.take(this.collected);
      if (this.firstChunkAt !== undefined) this.timeToFirstChunkSeconds = this.seconds(this.firstChunkAt);
      if (this.failed) this.errorType = errorType(this.error);
      this.server = serverOf(this.self);
      recorder.recordBackendCall(this);
    } catch (error) {
      warnOnce('metrics:record', `could not record the metrics of a backend call: ${describeError(error)}`);
    }
  }

  /** The ended span's own duration when it has one (the SDK's), else the clock since the start. */
  private durationOf(span: Span): number {
    const duration = (span as { duration?: unknown }).duration;
    if (Array.isArray(duration) && typeof duration[0] === 'number' && typeof duration[1] === 'number')
      return duration[0] + duration[1] / 1e9;
    return this.seconds(performance.now());
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
