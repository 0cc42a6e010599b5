/**
 * Backend spans (`mellea.backend`): Gen-AI conventions for `chat(action, ctx, options?)` and
 * `text_completion(actions[], options?)`. Precedence: decorator options > reflect-metadata > conventions.
 */
import { SpanKind } from '@opentelemetry/api';
import type { AttributeMap } from '../coerce';
import { type ContentOptions, writeChunkContent, writeInputContent, writeOutputContent } from '../content/capture';
import { backendInfoOf } from '../metadata';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_TOTAL_TOKENS,
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_MELLEA_BACKEND,
  ATTR_MELLEA_CONTEXT_SIZE,
  ATTR_MELLEA_FORMAT_TYPE,
  ATTR_MELLEA_HAS_FORMAT,
  ATTR_MELLEA_NUM_ACTIONS,
  ATTR_MELLEA_TOOL_CALLS_ENABLED,
  OPERATION_CHAT,
  OPERATION_TEXT_COMPLETION,
  providerNameFromClass,
} from '../semconv';
import { state } from '../state';
import type { SpanRecipe } from '../traced-call';
import { type TraceOptions, writeOptionAttributes, writeOptionResultAttributes } from './options';
import { asOptions, classNameOf, firstDefined, formatTypeName, readProperty, sizeOf } from './read';

/** Options of `@traceBackend`. */
export interface TraceBackendOptions<This = any, Args extends unknown[] = any[]> extends TraceOptions<This, Args> {
  /** `gen_ai.system` for this method, overriding metadata and the class-name rule. */
  system?: string;
  /** `gen_ai.request.model` for this method, overriding metadata and `this.modelId`/`this.model`. */
  model?: string;
  /**
   * Where this method's messages come from when message capture is on and the conventions do not find them
   * (see "Recording prompts and responses" in docs/tracing.md).
   */
  content?: ContentOptions<This, Args>;
}

/** The operation for a call: the decorator's, else `text_completion` for an array of actions, else `chat`. */
export function operationFor(args: ArrayLike<unknown>): string {
  return Array.isArray(args[0]) ? OPERATION_TEXT_COMPLETION : OPERATION_CHAT;
}

/** Builds the recipe for a backend span; `operation` undefined means "infer from the arguments". */
export function backendRecipe(operation: string | undefined, label: string, options?: TraceBackendOptions): SpanRecipe {
  const writeResult = (result: unknown, self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void => {
    writeBackendResult(result, out);
    writeOptionResultAttributes(options, result, self, args, out);
  };
  return {
    scope: state.backend,
    kind: SpanKind.CLIENT,
    label,
    spanName: operation === undefined ? operationFor : () => operation,
    startAttributes(self, args, out) {
      writeBackendConventions(self, args, operation ?? operationFor(args), out);
      writeBackendMetadata(self, out);
      if (options?.system !== undefined) out[ATTR_GEN_AI_SYSTEM] = options.system;
      if (options?.model !== undefined) out[ATTR_GEN_AI_REQUEST_MODEL] = options.model;
      writeInputContent(label, options?.content, self, args, out);
      writeOptionAttributes(options, self, args, out);
    },
    resultAttributes(result, self, args, out) {
      writeOutputContent(label, options?.content, result, self, args, out);
      writeResult(result, self, args, out);
    },
    chunkAttributes(chunk, self, args, out) {
      writeChunkContent(label, options?.content, chunk, self, args, out);
      writeResult(chunk, self, args, out);
    },
  };
}

const systemByClass = new WeakMap<object, string>();

function systemOf(self: unknown, className: string | undefined): string | undefined {
  const constructor = readProperty(self, 'constructor');
  if (typeof constructor !== 'function' || className === undefined) return className;
  let system = systemByClass.get(constructor);
  if (system === undefined) {
    system = providerNameFromClass(className);
    systemByClass.set(constructor, system);
  }
  return system;
}

/** The conventions of the spec's backend table that are known when the call starts. */
export function writeBackendConventions(
  self: unknown,
  args: ArrayLike<unknown>,
  operation: string,
  out: AttributeMap,
): void {
  const className = classNameOf(self);
  out[ATTR_GEN_AI_SYSTEM] = systemOf(self, className);
  out[ATTR_GEN_AI_REQUEST_MODEL] = firstDefined(self, MODEL_KEYS);
  out[ATTR_GEN_AI_OPERATION_NAME] = operation;
  out[ATTR_MELLEA_BACKEND] = className;
  let options: object | undefined;
  if (Array.isArray(args[0])) {
    const actions: unknown[] = args[0];
    out[ATTR_MELLEA_NUM_ACTIONS] = actions.length;
    out[ATTR_MELLEA_ACTION_TYPE] = classNameOf(actions[0]);
    options = asOptions(args[1]);
  } else {
    out[ATTR_MELLEA_ACTION_TYPE] = classNameOf(args[0]);
    out[ATTR_MELLEA_CONTEXT_SIZE] = sizeOf(args[1]);
    options = asOptions(args[2]);
  }
  const format = readProperty(options, 'format');
  out[ATTR_MELLEA_HAS_FORMAT] = format !== undefined && format !== null;
  out[ATTR_MELLEA_FORMAT_TYPE] = formatTypeName(format);
  out[ATTR_MELLEA_TOOL_CALLS_ENABLED] = toolCallsEnabled(options);
}

const MODEL_KEYS = ['modelId', 'model'] as const;

function toolCallsEnabled(options: object | undefined): boolean {
  if (options === undefined) return false;
  if (readProperty(options, 'toolCalls') === true) return true;
  const tools = readProperty(options, 'tools');
  if (Array.isArray(tools)) return tools.length > 0;
  return tools !== null && typeof tools === 'object' && Object.keys(tools).length > 0;
}

/** Class-level reflect-metadata (see `backendInfo`): wins over the conventions. */
export function writeBackendMetadata(self: unknown, out: AttributeMap): void {
  const info = backendInfoOf(readProperty(self, 'constructor'));
  if (info === undefined) return;
  if (info.attributes !== undefined) Object.assign(out, info.attributes);
  if (info.system !== undefined) out[ATTR_GEN_AI_SYSTEM] = info.system;
  if (info.model !== undefined) out[ATTR_GEN_AI_REQUEST_MODEL] = info.model;
}

/**
 * Usage, response model, id and finish reasons from a backend result (or a stream chunk). Accepts
 * `usage.{inputTokens,outputTokens,totalTokens}`, `usage.{input_tokens,output_tokens}` and OpenAI's
 * `usage.{prompt_tokens,completion_tokens,total_tokens}`; total = input + output when absent.
 */
export function writeBackendResult(result: unknown, out: AttributeMap): void {
  if (result === null || typeof result !== 'object') return;
  if (Array.isArray(result)) {
    writeBatchResult(result, out);
    return;
  }
  const usage = readProperty(result, 'usage');
  if (usage !== null && typeof usage === 'object') {
    const input = numberOf(firstDefined(usage, INPUT_TOKEN_KEYS));
    const output = numberOf(firstDefined(usage, OUTPUT_TOKEN_KEYS));
    let total = numberOf(firstDefined(usage, TOTAL_TOKEN_KEYS));
    if (total === undefined && input !== undefined && output !== undefined) total = input + output;
    if (input !== undefined) out[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = input;
    if (output !== undefined) out[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = output;
    if (total !== undefined) out[ATTR_GEN_AI_USAGE_TOTAL_TOKENS] = total;
  }
  const model = firstDefined(result, RESPONSE_MODEL_KEYS);
  if (typeof model === 'string') out[ATTR_GEN_AI_RESPONSE_MODEL] = model;
  const id = firstDefined(result, RESPONSE_ID_KEYS);
  if (typeof id === 'string' || typeof id === 'number') out[ATTR_GEN_AI_RESPONSE_ID] = String(id);
  const reasons = finishReasonsOf(result);
  if (reasons !== undefined) out[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = reasons;
}

/** A batch (`text_completion`): usage summed over the outputs, finish reasons in order, model/id of the first. */
function writeBatchResult(results: readonly unknown[], out: AttributeMap): void {
  const totals: Record<string, number> = {};
  const reasons: unknown[] = [];
  for (const result of results) {
    const one: AttributeMap = {};
    writeBackendResult(result, one);
    for (const key of USAGE_ATTRIBUTES) {
      const value = one[key];
      if (typeof value === 'number') totals[key] = (totals[key] ?? 0) + value;
    }
    const finish = one[ATTR_GEN_AI_RESPONSE_FINISH_REASONS];
    if (Array.isArray(finish)) reasons.push(...finish);
    out[ATTR_GEN_AI_RESPONSE_MODEL] ??= one[ATTR_GEN_AI_RESPONSE_MODEL];
    out[ATTR_GEN_AI_RESPONSE_ID] ??= one[ATTR_GEN_AI_RESPONSE_ID];
  }
  Object.assign(out, totals);
  if (reasons.length > 0) out[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = reasons;
}

const USAGE_ATTRIBUTES = [
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_TOTAL_TOKENS,
] as const;

const INPUT_TOKEN_KEYS = ['inputTokens', 'input_tokens', 'prompt_tokens'] as const;
const OUTPUT_TOKEN_KEYS = ['outputTokens', 'output_tokens', 'completion_tokens'] as const;
const TOTAL_TOKEN_KEYS = ['totalTokens', 'total_tokens'] as const;
const RESPONSE_MODEL_KEYS = ['responseModel', 'response_model', 'model'] as const;
const RESPONSE_ID_KEYS = ['responseId', 'response_id', 'id'] as const;

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `finishReasons`/`finish_reasons` (array or string), `finishReason`/`finish_reason`, or OpenAI `choices[].finish_reason`. */
function finishReasonsOf(result: object): string[] | undefined {
  const listed = firstDefined(result, FINISH_REASON_KEYS);
  if (Array.isArray(listed)) return listed.filter((reason) => reason !== null && reason !== undefined).map(String);
  if (typeof listed === 'string') return [listed];
  const choices = readProperty(result, 'choices');
  if (!Array.isArray(choices)) return undefined;
  const reasons: string[] = [];
  for (const choice of choices) {
    const reason = readProperty(choice, 'finish_reason') ?? readProperty(choice, 'finishReason');
    if (typeof reason === 'string') reasons.push(reason);
  }
  return reasons.length > 0 ? reasons : undefined;
}

const FINISH_REASON_KEYS = ['finishReasons', 'finish_reasons', 'finishReason', 'finish_reason'] as const;
