/** `mellea-telemetry`: decorators, configuration and conventions. Re-exports only (plus reading the config at load). */
import { initTelemetry } from './telemetry';

initTelemetry();

export { traceApplication } from '../decorators/trace-application';
export { traceBackend } from '../decorators/trace-backend';
export { generative, type GenerativeOptions } from '../decorators/generative';
export { backendInfo } from '../decorators/backend-info';
export { traceMethods } from '../decorators/trace-methods';
export type { MethodDecorator } from '../decorators/dialect';
export type { TraceApplicationOptions } from './attributes/application';
export type { TraceBackendOptions } from './attributes/backend';
export type { TraceOptions } from './attributes/options';
export type { AttributeMap } from './coerce';
export type { BackendInfo } from './metadata';
export { GenerativeSlot, type ActOptions, type ActResult, type GenerativeSession } from './generative-slot';
export {
  reloadTelemetryConfig,
  getTelemetryConfig,
  isApplicationTracingEnabled,
  isBackendTracingEnabled,
  isContentTracingEnabled,
  forceFlushTelemetry,
  shutdownTelemetry,
  configureTelemetry,
  getTelemetryExportStats,
  type TelemetryOptions,
} from './telemetry';
export type { ExportStats } from './sdk/export-guard';
export { readTelemetryConfig, ENV, type TelemetryConfig } from './config';
export { truncateResponse } from './truncate';
export { WARNING_TYPE } from './warnings';
export * from './semconv';
export { VERSION } from './version';
export * from './runtime';
