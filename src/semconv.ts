/**
 * Every attribute name, span name and tracer name the SDK writes, in one place.
 *
 * Stable names come from `@opentelemetry/semantic-conventions`. The `gen_ai.*` names are still incubating
 * upstream, so — as the OpenTelemetry contrib packages do — they are copied here instead of importing the
 * `/incubating` entry point at run time. Implemented conventions: semantic-conventions 1.45.0 (Gen-AI, as
 * used by Mellea's tracing spec).
 */
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * Stable names re-exported from `@opentelemetry/semantic-conventions`: `error.type` (the class name of a call's
 * error, on every failed span) and `service.name` (the resource's service, `OTEL_SERVICE_NAME`).
 */
export { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME };

/** Tracer (instrumentation scope) of the application spans (`MELLEA_TRACE_APPLICATION`). */
export const APPLICATION_TRACER_NAME = 'mellea.application';
/** Tracer (instrumentation scope) of the backend spans (`MELLEA_TRACE_BACKEND`). */
export const BACKEND_TRACER_NAME = 'mellea.backend';

/** Span of a whole session run: the root of the spec's tree, parent of every `aact`. */
export const SPAN_SESSION_CONTEXT = 'session_context';
/** Span of one action (`Session.act`, a `@generative` call): parent of its backend call and validations. */
export const SPAN_AACT = 'aact';
/** Span of one requirement check of an action's output, a child of its `aact`. */
export const SPAN_REQUIREMENT_VALIDATION = 'requirement_validation';

/** `gen_ai.operation.name` (and span name) of a backend call with a context: `(action, ctx, options?)`. */
export const OPERATION_CHAT = 'chat';
/** `gen_ai.operation.name` (and span name) of a batch of raw actions: `(actions[], options?)`. */
export const OPERATION_TEXT_COMPLETION = 'text_completion';
/** A backend operation: one of the two the conventions name, or any other string. */
export type BackendOperation = typeof OPERATION_CHAT | typeof OPERATION_TEXT_COMPLETION | (string & {});

// Gen-AI semantic conventions (incubating; local copy).
/** `gen_ai.system`: the model provider (`ollama`, `openai`…), declared or from the class name. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
/** `gen_ai.request.model`: the model requested (`this.modelId` / `this.model`, or declared). */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
/** `gen_ai.operation.name`: `chat` or `text_completion`. */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** `gen_ai.usage.input_tokens`: tokens of the prompt, from the result's usage. */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** `gen_ai.usage.output_tokens`: tokens generated, from the result's usage. */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** `gen_ai.usage.total_tokens`: the result's total, else input + output. */
export const ATTR_GEN_AI_USAGE_TOTAL_TOKENS = 'gen_ai.usage.total_tokens';
/** `gen_ai.response.model`: the model that actually answered (may differ from the requested one). */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
/** `gen_ai.response.finish_reasons`: why generation stopped, one per choice (`["stop"]`, `["length"]`). */
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
/** `gen_ai.response.id`: the backend's identifier of the response. */
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';

// Mellea attributes (both scopes).
/** `mellea.backend`: the backend's class name (`OllamaModelBackend`), on both scopes. */
export const ATTR_MELLEA_BACKEND = 'mellea.backend';
/** `mellea.action_type`: the class name of the action (`Instruction`, `Message`, `GenerativeSlot`). */
export const ATTR_MELLEA_ACTION_TYPE = 'mellea.action_type';
/** `mellea.context_size`: how many items the context held at the call (`size` or `length`). */
export const ATTR_MELLEA_CONTEXT_SIZE = 'mellea.context_size';
/** `mellea.has_format`: whether a structured-output format was requested. */
export const ATTR_MELLEA_HAS_FORMAT = 'mellea.has_format';
/** `mellea.format_type`: the class (or schema title) of the requested format, on backend spans. */
export const ATTR_MELLEA_FORMAT_TYPE = 'mellea.format_type';
/** `mellea.tool_calls_enabled`: whether the backend call offered tools to the model. */
export const ATTR_MELLEA_TOOL_CALLS_ENABLED = 'mellea.tool_calls_enabled';
/** `mellea.num_actions`: how many actions a `text_completion` batch carried. */
export const ATTR_MELLEA_NUM_ACTIONS = 'mellea.num_actions';
/**
 * `true` on a span whose streamed result was dropped before its consumer finished (never iterated, or let go
 * mid-way without `return()`): the span ended when the stream was garbage-collected or at the exit flush /
 * shutdown. Its status stays UNSET — nothing failed, nobody finished reading.
 */
export const ATTR_MELLEA_STREAM_ABANDONED = 'mellea.stream.abandoned';

// Application result attributes (names as the spec gives them, without a namespace).
/** `sampling_success`: whether the sampling strategy found an output meeting the requirements. */
export const ATTR_SAMPLING_SUCCESS = 'sampling_success';
/** `num_generate_logs`: generation attempts of an action (more than 1 means retries). */
export const ATTR_NUM_GENERATE_LOGS = 'num_generate_logs';
/** `response`: the model's answer, at most {@link RESPONSE_MAX_CODE_POINTS} code points; off with `MELLEA_TRACE_CONTENT=false`. */
export const ATTR_RESPONSE = 'response';

/** Maximum length of the `response` attribute, in Unicode code points. */
export const RESPONSE_MAX_CODE_POINTS = 500;

/**
 * The spec's class-name → `gen_ai.system` rule: the lower-cased class name is checked, in this order, for
 * `openai`, `ollama`, `huggingface` or `hf`, `watsonx`, `litellm`; then for the well-known Gen-AI provider names
 * (`anthropic`/`claude` → `anthropic`, `vertex` → `gcp.vertex_ai`, `gemini` → `gcp.gemini`, `bedrock` →
 * `aws.bedrock`, `mistral` → `mistral_ai`, `groq`, `deepseek`, `cohere`, `perplexity`, `xai`/`grok` → `xai`,
 * `azureaiinference` → `az.ai.inference`); anything else keeps the class name.
 *
 * @example
 * providerNameFromClass('OllamaModelBackend'); // 'ollama'
 * providerNameFromClass('AnthropicBackend');   // 'anthropic'
 * providerNameFromClass('MyBackend');          // 'MyBackend'
 */
export function providerNameFromClass(className: string): string {
  const lower = className.toLowerCase();
  if (lower.includes('openai')) return 'openai';
  if (lower.includes('ollama')) return 'ollama';
  if (lower.includes('huggingface') || lower.includes('hf')) return 'huggingface';
  if (lower.includes('watsonx')) return 'watsonx';
  if (lower.includes('litellm')) return 'litellm';
  for (const [needles, provider] of WELL_KNOWN_PROVIDERS) {
    for (const needle of needles) if (lower.includes(needle)) return provider;
  }
  return className;
}

/**
 * After the spec's rows (which win, so e.g. an `AzureOpenAI…` class stays `openai`): the well-known
 * `gen_ai.provider.name` values of the Gen-AI conventions, by what the lower-cased class name contains, in order.
 * Values the spec's rows shadow (`azure.ai.openai`, `ibm.watsonx.ai`) are declared with `backendInfo({ system })`.
 */
const WELL_KNOWN_PROVIDERS: readonly (readonly [readonly string[], string])[] = [
  [['anthropic', 'claude'], 'anthropic'],
  [['vertex'], 'gcp.vertex_ai'],
  [['gemini', 'googlegenai', 'googleai'], 'gcp.gemini'],
  [['bedrock'], 'aws.bedrock'],
  [['mistral'], 'mistral_ai'],
  [['groq'], 'groq'],
  [['deepseek'], 'deepseek'],
  [['cohere'], 'cohere'],
  [['perplexity'], 'perplexity'],
  [['xai', 'grok'], 'xai'],
  [['azureaiinference', 'azureinference'], 'az.ai.inference'],
];
// Message content (opt-in: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT). JSON strings in the Gen-AI
// conventions' message shape; see src/content/.
/** The messages sent to the model: a JSON array of `{ role, parts }`. */
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
/** The messages the model returned: a JSON array of `{ role, parts, finish_reason }`. */
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
/** Instructions sent separately from the chat history (Anthropic's `system`): a JSON array of parts. */
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
/** The tools offered to the model: a JSON array of `{ type, name, description?, parameters? }`. */
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';

// Evaluations: each requirement check is a `gen_ai.evaluation.result` event on its requirement_validation span.
export const EVENT_GEN_AI_EVALUATION_RESULT = 'gen_ai.evaluation.result';
export const ATTR_GEN_AI_EVALUATION_NAME = 'gen_ai.evaluation.name';
export const ATTR_GEN_AI_EVALUATION_SCORE_LABEL = 'gen_ai.evaluation.score.label';
/** Why the check passed or failed (the validation function's reason or the judge's answer): content. */
export const ATTR_GEN_AI_EVALUATION_EXPLANATION = 'gen_ai.evaluation.explanation';
/** `gen_ai.evaluation.score.label` values. */
export const EVALUATION_PASS = 'pass';
export const EVALUATION_FAIL = 'fail';
/** Whether the requirement was met, on the requirement_validation span itself. */
export const ATTR_MELLEA_REQUIREMENT_PASSED = 'mellea.requirement.passed';

/**
 * Every attribute that carries prompt or response text. They go through one gate (src/content/record.ts):
 * dropped when MELLEA_TRACE_CONTENT is off, passed to the `redact` hook, then bounded.
 */
export const CONTENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR_RESPONSE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
]);

/** Default bound of each message attribute, in Unicode code points (16 KiB). */
export const CONTENT_MAX_CODE_POINTS = 16_384;
// The latest GenAI conventions (opt-in) and the metric names, one named set per conventions release.
export * from './semconv-gen-ai-v1-41';
