/**
 * The result shapes of the official LLM client SDKs, read by convention (no options needed) into usage, response
 * id and model, and finish reasons — for a whole result and for the chunks/events of a stream. The table in
 * docs/backends.md lists every shape; __tests__/clients/result-shapes.test.ts covers it row by row.
 *
 * | SDK | usage | id / model | finish reasons |
 * | --- | --- | --- | --- |
 * | OpenAI Chat Completions, legacy Completions | `usage.prompt_tokens/completion_tokens/total_tokens` | `id`, `model` | `choices[].finish_reason` |
 * | OpenAI Responses | `usage.input_tokens/output_tokens/total_tokens` | `id`, `model` | `incomplete_details.reason`, else `status` |
 * | Anthropic Messages | `usage.input_tokens/output_tokens` | `id`, `model` | `stop_reason` |
 * | Ollama native | `prompt_eval_count`, `eval_count` | `model` | `done_reason` |
 * | Google Gen AI | `usageMetadata.promptTokenCount/candidatesTokenCount/totalTokenCount` | `responseId`, `modelVersion` | `candidates[].finishReason` |
 * | Vercel AI SDK | `usage.inputTokens/outputTokens/totalTokens` (`totalUsage` on a stream's `finish` part) | `response.id`, `response.modelId` | `finishReason` |
 * | AWS Bedrock Converse | `usage.inputTokens/outputTokens/totalTokens` | — | `stopReason` |
 *
 * Streams: OpenAI's final chunk with empty `choices` carries `usage`; Ollama's `done: true` line its counts and
 * `done_reason`; Anthropic's `message_start` event the id, model and input tokens, `message_delta` the stop
 * reason and output tokens; the Responses API's `response.*` events and Bedrock's `messageStop` / `metadata`
 * events are unwrapped.
 */
import { type AttributeMap, isArray } from '../coerce';
import {
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_TOTAL_TOKENS,
} from '../semconv';
import { describeError, warnOnce } from '../warnings';
import { readProperty } from './read';

/** What one result or chunk says. */
interface Reading {
  input?: number;
  output?: number;
  total?: number;
  model?: string;
  id?: string;
  /** One reason for the whole response (`stop_reason`, `done_reason`, `finishReason`…). */
  reason?: string[];
  /** Per choice / candidate, by its `index` (a stream sends them in different chunks). */
  indexed?: Map<number, string>;
}

/** Usage, response model, id and finish reasons from one (non-streamed) result. */
export function writeResultShape(result: object, out: AttributeMap): void {
  const reading: Reading = {};
  readShape(result, reading, 0);
  if (reading.total === undefined && reading.input !== undefined && reading.output !== undefined)
    reading.total = reading.input + reading.output;
  if (reading.input !== undefined) out[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = reading.input;
  if (reading.output !== undefined) out[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = reading.output;
  if (reading.total !== undefined) out[ATTR_GEN_AI_USAGE_TOTAL_TOKENS] = reading.total;
  if (reading.model !== undefined) out[ATTR_GEN_AI_RESPONSE_MODEL] = reading.model;
  if (reading.id !== undefined) out[ATTR_GEN_AI_RESPONSE_ID] = reading.id;
  const reasons = reasonsOf(reading.indexed, reading.reason);
  if (reasons !== undefined) out[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = reasons;
}

/** What a stream has said so far, beyond the attributes themselves. */
interface StreamReading {
  explicitTotal: boolean;
  indexed: Map<number, string>;
  reason: string[] | undefined;
}

// Keyed by the stream's collected-attributes map, which lives exactly as long as the stream's span.
const streams = new WeakMap<AttributeMap, StreamReading>();

/**
 * One stream chunk into the stream's collected attributes `out`: id and model from the first chunk that has
 * them, usage from the chunks that carry it (later counts replace earlier ones: they are cumulative), finish
 * reasons per choice from the chunks that carry them, total = input + output unless a chunk states it.
 */
export function writeChunkShape(chunk: unknown, out: AttributeMap): void {
  if (chunk === null || typeof chunk !== 'object') return;
  const reading: Reading = {};
  // A typed event's own `id` names a content part (the AI SDK's `text-delta`), not the response: events carry
  // the response's id and model one level down (`message_start.message`, `response.*.response`, `response`).
  const typed = typeof readProperty(chunk, 'type') === 'string';
  readShape(chunk, reading, typed ? -1 : 0);
  let stream = streams.get(out);
  if (stream === undefined) {
    stream = { explicitTotal: false, indexed: new Map(), reason: undefined };
    streams.set(out, stream);
  }
  if (reading.id !== undefined) out[ATTR_GEN_AI_RESPONSE_ID] ??= reading.id;
  if (reading.model !== undefined) out[ATTR_GEN_AI_RESPONSE_MODEL] ??= reading.model;
  if (reading.input !== undefined) out[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = reading.input;
  if (reading.output !== undefined) out[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = reading.output;
  if (reading.total !== undefined) {
    out[ATTR_GEN_AI_USAGE_TOTAL_TOKENS] = reading.total;
    stream.explicitTotal = true;
  } else if (!stream.explicitTotal) {
    const input = out[ATTR_GEN_AI_USAGE_INPUT_TOKENS];
    const output = out[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS];
    if (typeof input === 'number' && typeof output === 'number') out[ATTR_GEN_AI_USAGE_TOTAL_TOKENS] = input + output;
  }
  if (reading.indexed !== undefined) for (const [index, reason] of reading.indexed) stream.indexed.set(index, reason);
  if (reading.reason !== undefined) stream.reason = reading.reason;
  const reasons = reasonsOf(stream.indexed, stream.reason);
  if (reasons !== undefined) out[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = reasons;
}

function reasonsOf(indexed: Map<number, string> | undefined, reason: string[] | undefined): string[] | undefined {
  if (indexed !== undefined && indexed.size > 0) {
    return [...indexed.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
  }
  return reason;
}

/**
 * Reads every convention `value` follows into `into`; `depth` bounds the unwrapping of events (-1: a typed
 * stream event, whose top-level id and model are not the response's).
 */
function readShape(value: object, into: Reading, depth: number): void {
  // Named property reads (not a loop over key lists): V8 caches each site, which keeps this off the profile of
  // a traced call. Each group is guarded on its own, so a throwing getter costs only that group's attributes.
  const shape = value as Fields;
  try {
    readUsage(shape.usage ?? shape.usageMetadata ?? shape.totalUsage, into);
    // Ollama's native counts.
    if (into.input === undefined) into.input = numberOf(shape.prompt_eval_count);
    if (into.output === undefined) into.output = numberOf(shape.eval_count);
  } catch (error) {
    warnGetter('usage', error);
  }
  if (depth >= 0) {
    try {
      if (into.model === undefined) {
        const model = shape.responseModel ?? shape.response_model ?? shape.model ?? shape.modelVersion;
        if (typeof model === 'string') into.model = model;
      }
      if (into.id === undefined) {
        const id = shape.responseId ?? shape.response_id ?? shape.id;
        if (typeof id === 'string' || typeof id === 'number') into.id = String(id);
      }
    } catch (error) {
      warnGetter('id/model', error);
    }
  }
  try {
    readFinishReasons(shape, into);
  } catch (error) {
    warnGetter('finish reasons', error);
  }
  if (depth < 2) {
    try {
      readNested(shape, into, depth);
    } catch (error) {
      warnGetter('nested', error);
    }
  }
}

/** The fields the conventions look at, all optional and unchecked: every read is validated where it is used. */
interface Fields {
  usage?: unknown;
  usageMetadata?: unknown;
  totalUsage?: unknown;
  prompt_eval_count?: unknown;
  eval_count?: unknown;
  responseModel?: unknown;
  response_model?: unknown;
  model?: unknown;
  modelVersion?: unknown;
  responseId?: unknown;
  response_id?: unknown;
  id?: unknown;
  finishReasons?: unknown;
  finish_reasons?: unknown;
  finishReason?: unknown;
  finish_reason?: unknown;
  stop_reason?: unknown;
  stopReason?: unknown;
  done_reason?: unknown;
  choices?: unknown;
  candidates?: unknown;
  object?: unknown;
  status?: unknown;
  incomplete_details?: { reason?: unknown } | null;
  type?: unknown;
  message?: unknown;
  delta?: unknown;
  response?: { id?: unknown; modelId?: unknown } | null;
  messageStop?: unknown;
  metadata?: { usage?: unknown } | null;
}

interface UsageFields {
  inputTokens?: unknown;
  input_tokens?: unknown;
  prompt_tokens?: unknown;
  promptTokenCount?: unknown;
  outputTokens?: unknown;
  output_tokens?: unknown;
  completion_tokens?: unknown;
  candidatesTokenCount?: unknown;
  totalTokens?: unknown;
  total_tokens?: unknown;
  totalTokenCount?: unknown;
}

function warnGetter(what: string, error: unknown): void {
  warnOnce(
    `getter:result:${what}`,
    `reading a result's ${what} for span attributes threw; those attributes are left out: ${describeError(error)}`,
  );
}

/** Shapes that keep their facts one level down: events of streams, the AI SDK's `response`, Anthropic deltas. */
function readNested(value: Fields, into: Reading, depth: number): void {
  const type = value.type;
  const event = typeof type === 'string';
  if (event) {
    // Anthropic: `message_start` carries the message; `message_delta` the stop reason in `delta`.
    if (type === 'message_start') readObject(value.message, into, depth);
    else if (type === 'message_delta') readObject(value.delta, into, depth);
    // OpenAI Responses API stream events: `response.created`, `response.completed`, `response.incomplete`…
    else if (type.startsWith('response.')) {
      readObject(value.response, into, depth);
      return;
    }
  }
  // AWS Bedrock ConverseStream events: `{ messageStop: { stopReason } }`, `{ metadata: { usage } }`.
  const stop = value.messageStop;
  if (stop !== null && typeof stop === 'object') readFinishReasons(stop as Fields, into);
  const metadata = value.metadata;
  if (metadata !== null && typeof metadata === 'object') readUsage(metadata.usage, into);
  // Vercel AI SDK (results and `finish-step` parts): `response.id`, `response.modelId`.
  if (into.id === undefined || into.model === undefined) {
    const response = value.response;
    if (response !== null && typeof response === 'object') {
      const id = response.id;
      const model = response.modelId;
      if (into.id === undefined && typeof id === 'string') into.id = id;
      if (into.model === undefined && typeof model === 'string') into.model = model;
    }
  }
}

function readUsage(value: unknown, into: Reading): void {
  if (value === null || typeof value !== 'object') return;
  const usage = value as UsageFields;
  into.input ??= numberOf(usage.inputTokens ?? usage.input_tokens ?? usage.prompt_tokens ?? usage.promptTokenCount);
  into.output ??= numberOf(
    usage.outputTokens ?? usage.output_tokens ?? usage.completion_tokens ?? usage.candidatesTokenCount,
  );
  into.total ??= numberOf(usage.totalTokens ?? usage.total_tokens ?? usage.totalTokenCount);
}

function readObject(value: unknown, into: Reading, depth: number): void {
  if (value !== null && typeof value === 'object') readShape(value, into, Math.max(depth, 0) + 1);
}

function readFinishReasons(value: Fields, into: Reading): void {
  if (into.reason === undefined) {
    const listed =
      value.finishReasons ??
      value.finish_reasons ??
      value.finishReason ??
      value.finish_reason ??
      value.stop_reason ??
      value.stopReason ??
      value.done_reason;
    if (typeof listed === 'string') into.reason = [listed];
    else if (isArray(listed)) {
      // Usually already strings: kept as they are (the span copies the array when it sets it).
      const reasons = listed.every((reason) => typeof reason === 'string')
        ? (listed as string[])
        : listed.filter((reason) => reason !== null && reason !== undefined).map(String);
      if (reasons.length > 0) into.reason = reasons;
    }
  }
  readChoices(value.choices, into);
  readChoices(value.candidates, into);
  // OpenAI Responses API: why it stopped early, else its status.
  if (into.reason === undefined && value.object === 'response') {
    const incomplete = value.incomplete_details?.reason;
    const status = value.status;
    if (typeof incomplete === 'string') into.reason = [incomplete];
    else if (typeof status === 'string') into.reason = [status];
  }
}

/** `choices[].finish_reason` (OpenAI) or `candidates[].finishReason` (Google), by each one's `index`. */
function readChoices(choices: unknown, into: Reading): void {
  if (choices === undefined || choices === null || !isArray(choices)) return;
  for (let position = 0; position < choices.length; position++) {
    const choice = choices[position] as { finish_reason?: unknown; finishReason?: unknown; index?: unknown } | null;
    if (choice === null || typeof choice !== 'object') continue;
    const reason = choice.finish_reason ?? choice.finishReason;
    if (typeof reason !== 'string') continue;
    const index = choice.index;
    into.indexed ??= new Map();
    into.indexed.set(typeof index === 'number' ? index : position, reason);
  }
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
