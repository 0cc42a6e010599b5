/**
 * Every attribute name, span name and tracer name the SDK writes, in one place.
 *
 * Stable names come from `@opentelemetry/semantic-conventions`. The `gen_ai.*` names are still incubating
 * upstream, so — as the OpenTelemetry contrib packages do — they are copied here instead of importing the
 * `/incubating` entry point at run time. Implemented conventions: semantic-conventions 1.45.0 (Gen-AI, as
 * used by Mellea's tracing spec).
 */
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME };

/** Tracer (instrumentation scope) names. */
export const APPLICATION_TRACER_NAME = 'mellea.application';
export const BACKEND_TRACER_NAME = 'mellea.backend';

/** Span names used by the conventions. */
export const SPAN_SESSION_CONTEXT = 'session_context';
export const SPAN_AACT = 'aact';
export const SPAN_REQUIREMENT_VALIDATION = 'requirement_validation';

/** `gen_ai.operation.name` values. */
export const OPERATION_CHAT = 'chat';
export const OPERATION_TEXT_COMPLETION = 'text_completion';
export type BackendOperation = typeof OPERATION_CHAT | typeof OPERATION_TEXT_COMPLETION | (string & {});

// Gen-AI semantic conventions (incubating; local copy).
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_TOTAL_TOKENS = 'gen_ai.usage.total_tokens';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';

// Mellea attributes (both scopes).
export const ATTR_MELLEA_BACKEND = 'mellea.backend';
export const ATTR_MELLEA_ACTION_TYPE = 'mellea.action_type';
export const ATTR_MELLEA_CONTEXT_SIZE = 'mellea.context_size';
export const ATTR_MELLEA_HAS_FORMAT = 'mellea.has_format';
export const ATTR_MELLEA_FORMAT_TYPE = 'mellea.format_type';
export const ATTR_MELLEA_TOOL_CALLS_ENABLED = 'mellea.tool_calls_enabled';
export const ATTR_MELLEA_NUM_ACTIONS = 'mellea.num_actions';

// Application result attributes (names as the spec gives them, without a namespace).
export const ATTR_SAMPLING_SUCCESS = 'sampling_success';
export const ATTR_NUM_GENERATE_LOGS = 'num_generate_logs';
export const ATTR_RESPONSE = 'response';

/** Maximum length of the `response` attribute, in Unicode code points. */
export const RESPONSE_MAX_CODE_POINTS = 500;

/**
 * The spec's class-name → `gen_ai.system` rule: the lower-cased class name is checked, in this order, for
 * `openai`, `ollama`, `huggingface` or `hf`, `watsonx`, `litellm`; anything else keeps the class name.
 *
 * @example
 * providerNameFromClass('OllamaModelBackend'); // 'ollama'
 * providerNameFromClass('MyBackend');          // 'MyBackend'
 */
export function providerNameFromClass(className: string): string {
  const lower = className.toLowerCase();
  if (lower.includes('openai')) return 'openai';
  if (lower.includes('ollama')) return 'ollama';
  if (lower.includes('huggingface') || lower.includes('hf')) return 'huggingface';
  if (lower.includes('watsonx')) return 'watsonx';
  if (lower.includes('litellm')) return 'litellm';
  return className;
}

// The latest GenAI conventions (opt-in) and the metric names, one named set per conventions release.
export * from './semconv-gen-ai-v1-41';
