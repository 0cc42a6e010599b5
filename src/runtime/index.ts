/** The session runtime: components, contexts, sampling, formats, prompt rendering and the offline backend. Re-exports only. */
export type {
  Action,
  Backend,
  ChatMessage,
  Component,
  GenerateOptions,
  GenerationContext,
  ModelOutput,
  StreamChunk,
  TokenUsage,
} from './types';
export { Instruction, Message, type InstructionOptions, type Role } from './components';
export {
  Requirement,
  ValidationResult,
  parseJudgeAnswer,
  type RequirementLike,
  type ValidationFunction,
  type ValidationVerdict,
} from './requirement';
export { SimpleContext, ChatContext, type Context, type ChatContextOptions } from './context';
export {
  RejectionSamplingStrategy,
  type RejectionSamplingOptions,
  type SamplingResult,
  type SamplingRun,
  type SamplingStrategy,
} from './sampling';
export {
  Session,
  type ActionResult,
  type InstructOptions,
  type SessionActOptions,
  type SessionOptions,
} from './session';
export {
  FormatError,
  parseFormatted,
  jsonSchemaOf,
  isStandardSchema,
  validateJsonSchema,
  type FormatFailure,
  type JsonSchema,
  type StandardSchemaLike,
} from './format';
export { fillTemplate, TemplateError } from './template';
export { renderMessages, renderPrompt, renderGenerativeSlot, actionMessages } from './prompt';
export {
  ScriptedBackend,
  CHARS_PER_TOKEN,
  TOKENS_PER_MESSAGE,
  type ScriptEntry,
  type ScriptedBackendOptions,
} from './backends/scripted';
export { OpenAIBackend, type OpenAIBackendOptions } from './backends/openai';
export { OllamaModelBackend, type OllamaModelBackendOptions } from './backends/ollama';
export {
  BackendError,
  BackendHttpError,
  BackendConnectionError,
  BackendTimeoutError,
  BackendResponseError,
} from './backends/errors';
export { injectTraceContext, type HttpBackendOptions } from './backends/http';
