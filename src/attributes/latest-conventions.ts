/**
 * The latest GenAI conventions for backend spans, behind `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`
 * (or `configureTelemetry({ genAiLatestConventions: true })`). Without the opt-in nothing here runs beyond one
 * flag check and the spans are exactly the seed's. With it, the backend recipe's output is translated:
 * span name `{operation} {model}`, `gen_ai.provider.name` instead of `gen_ai.system`, the total in
 * `mellea.usage.total_tokens`, request parameters from the call's options, `server.address`/`server.port` from
 * the backend's base URL, and cache/reasoning token counts from the result shapes that carry them.
 */
import type { AttributeMap } from '../coerce';
import { backendInfoOf } from '../metadata';
import { ATTR_GEN_AI_SYSTEM, ATTR_GEN_AI_USAGE_TOTAL_TOKENS } from '../semconv';
// Direct from the set's module: `export *` re-exports compile to getters, read on every call otherwise.
import { ATTR_MELLEA_USAGE_TOTAL_TOKENS, GEN_AI_LATEST } from '../semconv-gen-ai-v1-41';
import type { SpanRecipe } from '../traced-call';
import { asOptions, firstDefined, readProperty } from './read';

const A = GEN_AI_LATEST.attributes;

/** Whether the opt-in is on; shared by the CommonJS and ESM builds like the tracing state. */
export interface ConventionsState {
  latest: boolean;
}
const CONVENTIONS_KEY = Symbol.for('mellea-telemetry.conventions.v1');
const holder = globalThis as { [CONVENTIONS_KEY]?: ConventionsState };
export const conventions: ConventionsState = (holder[CONVENTIONS_KEY] ??= { latest: false });

/**
 * The backend recipe with the latest conventions applied per call while the opt-in is on (the switch can change
 * at run time, so it is checked on each call, not when the method is decorated).
 */
export function withLatestConventions(recipe: SpanRecipe, modelOption: string | undefined): SpanRecipe {
  const { spanName, startAttributes, resultAttributes, chunkAttributes } = recipe;
  return {
    ...recipe,
    spanName(args, self) {
      const operation = spanName.call(recipe, args, self);
      if (!conventions.latest) return operation;
      const model = modelOption ?? requestModelOf(self);
      return model === undefined ? operation : `${operation} ${model}`;
    },
    startAttributes(self, args, out) {
      startAttributes.call(recipe, self, args, out);
      if (conventions.latest) writeLatestStart(self, args, out);
    },
    resultAttributes(result, self, args, out) {
      resultAttributes?.call(recipe, result, self, args, out);
      if (conventions.latest) writeLatestResult(result, out, false);
    },
    chunkAttributes(chunk, self, args, out) {
      chunkAttributes?.call(recipe, chunk, self, args, out);
      if (conventions.latest) writeLatestResult(chunk, out, true);
    },
  };
}

/** `gen_ai.request.model` as the span name needs it before the span starts: metadata, else `modelId`/`model`. */
function requestModelOf(self: unknown): string | undefined {
  const info = backendInfoOf(readProperty(self, 'constructor'));
  const model = info?.model ?? firstDefined(self, MODEL_KEYS);
  return typeof model === 'string' && model !== '' ? model : undefined;
}
const MODEL_KEYS = ['modelId', 'model'] as const;

/** The provider name (v1.41.1 well-known value when there is one) for a Gen-1 `gen_ai.system` value. */
export function providerNameFromSystem(system: string): string {
  const lower = system.toLowerCase();
  if ((GEN_AI_LATEST.wellKnownProviders as readonly string[]).includes(lower)) return lower;
  const mapped = GEN_AI_LATEST.providerBySystem[lower];
  if (mapped !== undefined) return mapped;
  // A class name the spec's rule kept as is (e.g. `AnthropicBackend`): look for a well-known provider word.
  for (const word in GEN_AI_LATEST.providerBySystem) {
    if (word.length > 4 && lower.includes(word)) return GEN_AI_LATEST.providerBySystem[word]!;
  }
  return system;
}

function writeLatestStart(self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void {
  const system = out[ATTR_GEN_AI_SYSTEM];
  delete out[ATTR_GEN_AI_SYSTEM];
  if (typeof system === 'string') out[A.providerName] = providerNameFromSystem(system);
  const server = serverOf(self);
  if (server !== undefined) {
    out[A.serverAddress] = server.address;
    out[A.serverPort] = server.port;
  }
  const ctx = Array.isArray(args[0]) ? undefined : args[1];
  const options = asOptions(Array.isArray(args[0]) ? args[1] : args[2]);
  const conversation =
    firstDefined(options, CONVERSATION_KEYS) ??
    firstDefined(ctx, CONVERSATION_KEYS) ??
    firstDefined(self, CONVERSATION_KEYS);
  if (typeof conversation === 'string' || typeof conversation === 'number')
    out[A.conversationId] = String(conversation);
  if (options === undefined) return;
  for (const [attribute, keys] of NUMERIC_PARAMETERS) {
    const value = firstDefined(options, keys);
    if (typeof value === 'number' && Number.isFinite(value)) out[attribute] = value;
  }
  const stop = firstDefined(options, STOP_KEYS);
  if (typeof stop === 'string') out[A.requestStopSequences] = [stop];
  else if (Array.isArray(stop)) out[A.requestStopSequences] = stop.filter((entry) => typeof entry === 'string');
  const count = firstDefined(options, CHOICE_COUNT_KEYS);
  if (typeof count === 'number' && Number.isInteger(count) && count !== 1) out[A.requestChoiceCount] = count;
  if (readProperty(options, 'stream') === true) out[A.requestStream] = true;
  const format = firstDefined(options, FORMAT_KEYS);
  if (format !== undefined && format !== null && format !== false && format !== 'text')
    out[A.outputType] = GEN_AI_LATEST.outputTypes.json;
}

const CONVERSATION_KEYS = ['conversationId', 'conversation_id'] as const;
const NUMERIC_PARAMETERS: readonly (readonly [string, readonly string[]])[] = [
  [A.requestTemperature, ['temperature']],
  [A.requestMaxTokens, ['maxTokens', 'max_tokens', 'maxOutputTokens', 'max_completion_tokens', 'num_predict']],
  [A.requestTopP, ['topP', 'top_p']],
  [A.requestTopK, ['topK', 'top_k']],
  [A.requestSeed, ['seed']],
  [A.requestFrequencyPenalty, ['frequencyPenalty', 'frequency_penalty']],
  [A.requestPresencePenalty, ['presencePenalty', 'presence_penalty']],
];
const STOP_KEYS = ['stopSequences', 'stop_sequences', 'stop'] as const;
const CHOICE_COUNT_KEYS = ['n', 'choiceCount', 'candidateCount'] as const;
const FORMAT_KEYS = ['format', 'jsonSchema', 'response_format', 'responseFormat'] as const;

/** The total moves to `mellea.usage.total_tokens`; cache and reasoning counts come from the usage shapes. */
function writeLatestResult(result: unknown, out: AttributeMap, chunk: boolean): void {
  if (chunk) out[A.requestStream] = true;
  if (ATTR_GEN_AI_USAGE_TOTAL_TOKENS in out) {
    out[ATTR_MELLEA_USAGE_TOTAL_TOKENS] = out[ATTR_GEN_AI_USAGE_TOTAL_TOKENS];
    delete out[ATTR_GEN_AI_USAGE_TOTAL_TOKENS];
  }
  if (result === null || typeof result !== 'object') return;
  const results = Array.isArray(result) ? result : [result];
  const totals: Record<string, number> = {};
  for (const one of results) {
    const usage = readProperty(one, 'usage') ?? readProperty(readProperty(one, 'message'), 'usage');
    if (usage === null || typeof usage !== 'object') continue;
    for (const [attribute, paths] of DETAIL_TOKENS) {
      for (const path of paths) {
        const value =
          path.length === 1 ? readProperty(usage, path[0]!) : readProperty(readProperty(usage, path[0]!), path[1]!);
        if (typeof value === 'number' && Number.isFinite(value)) {
          totals[attribute] = (totals[attribute] ?? 0) + value;
          break;
        }
      }
    }
  }
  Object.assign(out, totals);
}

const DETAIL_TOKENS: readonly (readonly [string, readonly (readonly string[])[]])[] = [
  [
    A.usageCacheReadInputTokens,
    [
      ['cache_read_input_tokens'],
      ['cacheReadInputTokens'],
      ['prompt_tokens_details', 'cached_tokens'],
      ['input_tokens_details', 'cached_tokens'],
      ['cachedInputTokens'],
    ],
  ],
  [A.usageCacheCreationInputTokens, [['cache_creation_input_tokens'], ['cacheCreationInputTokens']]],
  [
    A.usageReasoningOutputTokens,
    [
      ['completion_tokens_details', 'reasoning_tokens'],
      ['output_tokens_details', 'reasoning_tokens'],
      ['reasoningTokens'],
    ],
  ],
];

/**
 * `server.address` / `server.port` of a backend, from its base URL (never its userinfo). Remembered per backend
 * instance (its base URL is set when it is built) and per URL text.
 */
export function serverOf(self: unknown): { address: string; port: number } | undefined {
  const cacheable = self !== null && typeof self === 'object';
  if (cacheable) {
    const known = serversByBackend.get(self);
    if (known !== undefined) return known ?? undefined;
  }
  const raw = firstDefined(self, BASE_URL_KEYS) ?? firstDefined(readProperty(self, 'client'), BASE_URL_KEYS);
  const text = typeof raw === 'string' ? raw : raw instanceof URL ? raw.href : undefined;
  let server: { address: string; port: number } | undefined;
  if (text !== undefined) {
    server = servers.get(text);
    if (server === undefined && !servers.has(text)) {
      server = parseServer(text);
      if (servers.size >= MAX_CACHED_SERVERS) servers.clear();
      servers.set(text, server);
    }
  }
  if (cacheable) serversByBackend.set(self, server ?? null);
  return server;
}

const serversByBackend = new WeakMap<object, { address: string; port: number } | null>();
const BASE_URL_KEYS = ['baseURL', 'baseUrl', 'base_url', 'host'] as const;
const MAX_CACHED_SERVERS = 64;
const servers = new Map<string, { address: string; port: number } | undefined>();
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

function parseServer(text: string): { address: string; port: number } | undefined {
  try {
    const url = new URL(text);
    const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
    const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return address === '' || port === undefined ? undefined : { address, port };
  } catch {
    return undefined;
  }
}
