/**
 * `mellea-telemetry`: decorators, configuration, lifecycle and conventions — the documented public API. The
 * session runtime is the separate `mellea-telemetry/runtime` entry; test helpers are `mellea-telemetry/testing`.
 * Re-exports only (plus reading the config at load).
 */
import { initTelemetry } from './lifecycle';

initTelemetry();

export { backendInfo } from '../decorators/backend-info';
export type { MethodDecorator } from '../decorators/dialect';
export { type GenerativeFunctionOptions, type GenerativeOptions, generative } from '../decorators/generative';
export { traceApplication } from '../decorators/trace-application';
export { traceBackend } from '../decorators/trace-backend';
export { traceMethods } from '../decorators/trace-methods';
export type { TraceApplicationOptions } from './attributes/application';
export type { TraceBackendOptions } from './attributes/backend';
export type { EvaluationOutcome, EvaluationReader } from './attributes/evaluation';
export type { TraceOptions } from './attributes/options';
export type { AttributeMap } from './coerce';
export {
  type BatchSettings,
  type ConsoleFormat,
  GEN_AI_LATEST_EXPERIMENTAL,
  type MetricsConfig,
  type MetricsOverrides,
  type OtlpCompression,
  type OtlpProtocol,
  type OtlpTlsFiles,
  readTelemetryConfig,
  type SamplerName,
  type TelemetryConfig,
  type TelemetryOverrides,
} from './config';
export type { ContentOptions } from './content/capture';
export type {
  CapturedInput,
  ContentInput,
  InputMessage,
  MessagePart,
  OutputMessage,
  TextPart,
  ToolCallPart,
  ToolCallResponsePart,
  ToolDefinition,
} from './content/messages';
export { type ContentRedactor, composeRedactors, redactStrings } from './content/redact';
export { passesLuhn, redactSecrets, type SecretKind, scrubSecrets } from './content/secrets';
export { TRUNCATION_MARKER } from './content/truncate-json';
export { CONTENT_FREE_MESSAGE } from './error-description';
export { type ActOptions, type ActResult, type GenerativeSession, GenerativeSlot } from './generative-slot';
export {
  configureTelemetry,
  forceFlushTelemetry,
  getTelemetryConfig,
  getTelemetryExportStats,
  isApplicationTracingEnabled,
  isBackendTracingEnabled,
  isContentTracingEnabled,
  isMessageCaptureEnabled,
  reloadTelemetryConfig,
  shutdownTelemetry,
  type TelemetryOptions,
} from './lifecycle';
export type { BackendInfo } from './metadata';
export { errorCategory } from './metrics/error-category';
export { isMetricsEnabled, type MetricsOptions } from './metrics/metrics-lifecycle';
export { recordRequirementCheck, recordSamplingRun } from './metrics/sampling-metrics';
export { stripUrlSecrets } from './printable-url';
export { injectTraceContext } from './propagation';
export type { ExportStats } from './sdk/export-guard';
export * from './semconv';
export { truncateResponse } from './truncate';
export { VERSION } from './version';
export { WARNING_TYPE } from './warnings';
