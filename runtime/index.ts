/**
 * `mellea-telemetry/runtime`: a small Mellea-shaped session runtime (components, contexts, sampling, formats,
 * prompt rendering) and backends (offline scripted, OpenAI-compatible, Ollama), traced with the public
 * decorators. Imports the library only through `mellea-telemetry`. Re-exports only.
 */

export type { HttpBackendOptions } from './backends/client';
export {
  BackendConnectionError,
  BackendError,
  BackendHttpError,
  BackendResponseError,
  BackendStreamLimitError,
  BackendTimeoutError,
} from './backends/errors';
export { OllamaModelBackend, type OllamaModelBackendOptions } from './backends/ollama';
export { OpenAIBackend, type OpenAIBackendOptions } from './backends/openai';
export {
  type ScriptEntry,
  ScriptedBackend,
  type ScriptedBackendOptions,
} from './backends/scripted';
export { Instruction, type InstructionOptions, Message, type Role } from './components';
export { ChatContext, type ChatContextOptions, type Context, SimpleContext } from './context';
export {
  FormatError,
  type FormatFailure,
  isStandardSchema,
  type JsonSchema,
  jsonSchemaOf,
  parseFormatted,
  type StandardSchemaLike,
  validateJsonSchema,
} from './format';
export { actionMessages, renderGenerativeSlot, renderMessages, renderPrompt } from './prompt';
export {
  Requirement,
  type RequirementLike,
  type ValidationFunction,
  ValidationResult,
  type ValidationVerdict,
} from './requirement';
export {
  type RejectionSamplingOptions,
  RejectionSamplingStrategy,
  type SamplingResult,
  type SamplingRun,
  type SamplingStrategy,
} from './sampling';
export {
  type ActionResult,
  type InstructOptions,
  Session,
  type SessionActOptions,
  type SessionOptions,
} from './session';
export { TemplateError } from './template';
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
