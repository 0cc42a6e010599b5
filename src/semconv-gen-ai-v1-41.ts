/**
 * The latest GenAI conventions this package can emit (`OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`)
 * and the metric names, as one named set per conventions release. The last published text of the GenAI
 * conventions is semantic-conventions v1.41.1; a later release is one more set beside this one (and
 * {@link GEN_AI_LATEST} pointing at it). Re-exported by `semconv.ts`, the one home of attribute names.
 */
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';

/**
 * The GenAI conventions of semantic-conventions v1.41.1 (incubating names, copied as the contrib rule says).
 *
 * @example
 * span.attributes[GEN_AI_V1_41_1.attributes.providerName]; // 'openai' (under the opt-in)
 */
export const GEN_AI_V1_41_1 = Object.freeze({
  version: '1.41.1',
  attributes: Object.freeze({
    providerName: 'gen_ai.provider.name',
    conversationId: 'gen_ai.conversation.id',
    outputType: 'gen_ai.output.type',
    requestTemperature: 'gen_ai.request.temperature',
    requestMaxTokens: 'gen_ai.request.max_tokens',
    requestTopP: 'gen_ai.request.top_p',
    requestTopK: 'gen_ai.request.top_k',
    requestSeed: 'gen_ai.request.seed',
    requestStopSequences: 'gen_ai.request.stop_sequences',
    requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
    requestPresencePenalty: 'gen_ai.request.presence_penalty',
    requestChoiceCount: 'gen_ai.request.choice.count',
    requestStream: 'gen_ai.request.stream',
    usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
    usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
    usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
    responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
    tokenType: 'gen_ai.token.type',
    serverAddress: ATTR_SERVER_ADDRESS,
    serverPort: ATTR_SERVER_PORT,
  }),
  /** `gen_ai.output.type` values. */
  outputTypes: Object.freeze({ json: 'json', text: 'text' }),
  /** `gen_ai.token.type` values. */
  tokenTypes: Object.freeze({ input: 'input', output: 'output' }),
  /** The well-known `gen_ai.provider.name` values; any other provider keeps a custom value. */
  wellKnownProviders: Object.freeze([
    'anthropic',
    'aws.bedrock',
    'azure.ai.inference',
    'azure.ai.openai',
    'cohere',
    'deepseek',
    'gcp.gemini',
    'gcp.gen_ai',
    'gcp.vertex_ai',
    'groq',
    'ibm.watsonx.ai',
    'mistral_ai',
    'openai',
    'perplexity',
    'x_ai',
  ] as const),
  /** Gen-1 `gen_ai.system` values (and class-name words) → their `gen_ai.provider.name`. */
  providerBySystem: Object.freeze({
    watsonx: 'ibm.watsonx.ai',
    'ibm.watsonx': 'ibm.watsonx.ai',
    anthropic: 'anthropic',
    bedrock: 'aws.bedrock',
    aws_bedrock: 'aws.bedrock',
    'az.ai.inference': 'azure.ai.inference',
    azure_openai: 'azure.ai.openai',
    cohere: 'cohere',
    deepseek: 'deepseek',
    gemini: 'gcp.gemini',
    vertex_ai: 'gcp.vertex_ai',
    groq: 'groq',
    mistral: 'mistral_ai',
    mistralai: 'mistral_ai',
    perplexity: 'perplexity',
    xai: 'x_ai',
  } as Readonly<Record<string, string>>),
  metrics: Object.freeze({
    tokenUsage: 'gen_ai.client.token.usage',
    operationDuration: 'gen_ai.client.operation.duration',
    timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  }),
  /** Explicit bucket boundaries the conventions advise for `gen_ai.client.token.usage`. */
  tokenBuckets: Object.freeze([
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
  ]),
  /** Explicit bucket boundaries (s) for `gen_ai.client.operation.duration` and `.time_to_first_chunk`. */
  durationBuckets: Object.freeze([
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
  ]),
});

/** The conventions set the opt-in emits. */
export const GEN_AI_LATEST = GEN_AI_V1_41_1;

/** The conventions set the opt-in emits, as a type (for code that takes a set). */
export type GenAiConventionSet = typeof GEN_AI_V1_41_1;

// Mellea's own metrics and attributes (names as upstream Mellea records them).
export const METER_NAME = 'mellea.metrics';
export const METRIC_MELLEA_LLM_ERRORS = 'mellea.llm.errors';
export const METRIC_MELLEA_SAMPLING_ATTEMPTS = 'mellea.sampling.attempts';
export const METRIC_MELLEA_SAMPLING_SUCCESSES = 'mellea.sampling.successes';
export const METRIC_MELLEA_SAMPLING_FAILURES = 'mellea.sampling.failures';
export const METRIC_MELLEA_REQUIREMENT_CHECKS = 'mellea.requirement.checks';
export const METRIC_MELLEA_REQUIREMENT_FAILURES = 'mellea.requirement.failures';
export const ATTR_MELLEA_ERROR_CATEGORY = 'mellea.error.category';
export const ATTR_MELLEA_USAGE_TOTAL_TOKENS = 'mellea.usage.total_tokens';
export const ATTR_STRATEGY = 'strategy';
export const ATTR_REQUIREMENT = 'requirement';

/** `mellea.error.category` values. */
export const ERROR_CATEGORIES = Object.freeze([
  'rate_limit',
  'timeout',
  'auth',
  'content_policy',
  'invalid_request',
  'transport_error',
  'server_error',
  'unknown',
] as const);
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];
