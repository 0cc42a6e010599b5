/**
 * Backend spans (`mellea.backend`): Gen-AI conventions for `chat(action, ctx, options?)` and
 * `text_completion(actions[], options?)`. Precedence: decorator options > reflect-metadata > conventions.
 */
import { SpanKind } from '@opentelemetry/api';
import { type AttributeMap, isArray } from '../coerce';
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
import { withLatestConventions } from './latest-conventions';
import { type TraceOptions, writeOptionAttributes, writeOptionResultAttributes } from './options';
import { asOptions, classNameOf, firstDefined, formatTypeName, readProperty, sizeOf } from './read';
import { writeChunkShape, writeResultShape } from './result-shapes';

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
  return isArray(args[0]) ? OPERATION_TEXT_COMPLETION : OPERATION_CHAT;
}

/** Builds the recipe for a backend span; `operation` undefined means "infer from the arguments". */
export function backendRecipe(operation: string | undefined, label: string, options?: TraceBackendOptions): SpanRecipe {
  const writeResult = (result: unknown, self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void => {
    writeBackendResult(result, out);
    writeOptionResultAttributes(options, result, self, args, out);
  };
  const writeChunk = (chunk: unknown, self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void => {
    writeChunkShape(chunk, out);
    writeOptionResultAttributes(options, chunk, self, args, out);
  };
  const recipe: SpanRecipe = {
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
      writeChunk(chunk, self, args, out);
    },
  };
  return withLatestConventions(recipe, options?.model);
}

/** What a backend class says about every call, read once per class: its name and `gen_ai.system`. */
interface ClassFacts {
  readonly name: string | undefined;
  readonly system: string | undefined;
}

const factsByClass = new WeakMap<Function, ClassFacts>();

/**
 * The class name and system of `self`. Cached per constructor when the name comes from the constructor itself
 * (a plain object's `kind`/`type` is per instance).
 */
function classFactsOf(self: unknown): ClassFacts {
  const constructor = readProperty(self, 'constructor');
  if (typeof constructor === 'function') {
    const cached = factsByClass.get(constructor);
    if (cached !== undefined) return cached;
  }
  const name = classNameOf(self);
  const facts: ClassFacts = { name, system: name === undefined ? undefined : providerNameFromClass(name) };
  if (typeof constructor === 'function' && name !== undefined && readProperty(constructor, 'name') === name)
    factsByClass.set(constructor, facts);
  return facts;
}

/** The conventions of the spec's backend table that are known when the call starts. */
export function writeBackendConventions(
  self: unknown,
  args: ArrayLike<unknown>,
  operation: string,
  out: AttributeMap,
): void {
  const { name: className, system } = classFactsOf(self);
  out[ATTR_GEN_AI_SYSTEM] = system;
  out[ATTR_GEN_AI_REQUEST_MODEL] = firstDefined(self, MODEL_KEYS);
  out[ATTR_GEN_AI_OPERATION_NAME] = operation;
  out[ATTR_MELLEA_BACKEND] = className;
  let options: object | undefined;
  if (isArray(args[0])) {
    const actions = args[0];
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
 * Usage, response model, id and finish reasons from a backend result, read by the conventions of the official
 * SDKs' result shapes (./result-shapes.ts); an array is a batch (`text_completion`).
 */
export function writeBackendResult(result: unknown, out: AttributeMap): void {
  if (result === null || typeof result !== 'object') return;
  if (isArray(result)) writeBatchResult(result, out);
  else writeResultShape(result, out);
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
