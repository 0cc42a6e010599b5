/**
 * Where the SDK packages come from. Each is behind a function, so nothing loads until a scope is on; each
 * `require` names its package in a string literal, so a bundler that bundles this package (esbuild, webpack)
 * follows it and bundles the SDK too. The worker build (`workerd`/`worker` export condition) replaces this module
 * with sdk-modules.worker.ts, which imports them statically: a Worker has no `require` and is always bundled.
 */
import type { ContextManagerModule, SdkModule } from './sdk-module';

export type { SdkModule } from './sdk-module';

export const TRACE_BASE: SdkModule<typeof import('@opentelemetry/sdk-trace-base')> = {
  name: '@opentelemetry/sdk-trace-base',
  load: () => require('@opentelemetry/sdk-trace-base'),
};

export const RESOURCES: SdkModule<typeof import('@opentelemetry/resources')> = {
  name: '@opentelemetry/resources',
  load: () => require('@opentelemetry/resources'),
};

export const CONTEXT_ASYNC_HOOKS: SdkModule<ContextManagerModule> = {
  name: '@opentelemetry/context-async-hooks',
  load: () => require('@opentelemetry/context-async-hooks'),
};

export const OTLP_GRPC: SdkModule<typeof import('@opentelemetry/exporter-trace-otlp-grpc')> = {
  name: '@opentelemetry/exporter-trace-otlp-grpc',
  load: () => require('@opentelemetry/exporter-trace-otlp-grpc'),
};

export const OTLP_PROTO: SdkModule<typeof import('@opentelemetry/exporter-trace-otlp-proto')> = {
  name: '@opentelemetry/exporter-trace-otlp-proto',
  load: () => require('@opentelemetry/exporter-trace-otlp-proto'),
};
