/**
 * The telemetry lifecycle: configuration read once at load, `reloadTelemetryConfig()` for tests, status
 * queries, flush and shutdown.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { readTelemetryConfig, type TelemetryConfig, type TelemetryOverrides } from './config';
import { ensureContextManager, releaseContextManager } from './sdk/context-manager';
import type { ExportStats } from './sdk/export-guard';
import { applicationPipeline, bounded, type Pipeline, sdkPipeline } from './sdk/pipeline';
import { APPLICATION_TRACER_NAME, BACKEND_TRACER_NAME } from './semconv';
import { state } from './state';
import { VERSION } from './version';
import { resetWarnings } from './warnings';

const LIFECYCLE_KEY = Symbol.for('mellea-telemetry.lifecycle.v2');

/** Options of {@link configureTelemetry}; each takes precedence over its environment variable. */
export interface TelemetryOptions extends TelemetryOverrides {
  /**
   * Send this package's spans through the application's own provider (e.g. the one a `NodeSDK` built) instead
   * of building one from the `OTEL_*` settings. The application then owns export, flush on exit and shutdown;
   * `forceFlushTelemetry()` calls the provider's `forceFlush()` and `shutdownTelemetry()` never shuts it down.
   */
  tracerProvider?: TracerProvider;
  /**
   * More span processors for the provider built from the environment, next to its console and OTLP ones — e.g. a
   * `SimpleSpanProcessor(new InMemorySpanExporter())` to print the run's span tree, or an exporter of your own.
   * Ignored when `tracerProvider` is given (add processors to that provider instead).
   */
  spanProcessors?: readonly SpanProcessor[];
}

interface Lifecycle {
  config: TelemetryConfig;
  options: TelemetryOptions;
  pipeline: Pipeline | undefined;
  /** The counts of the last pipeline `shutdownTelemetry()` stopped: its final figures stay readable. */
  finalStats?: ExportStats;
}

const holder = globalThis as { [LIFECYCLE_KEY]?: Lifecycle };

function lifecycle(): Lifecycle {
  let current = holder[LIFECYCLE_KEY];
  if (current === undefined) {
    current = holder[LIFECYCLE_KEY] = { config: readTelemetryConfig(), options: {}, pipeline: undefined };
    applyConfig(current, current.config);
  }
  return current;
}

/** Makes `config` the live configuration. Builds (or adopts) a provider only when a scope is enabled. */
function applyConfig(current: Lifecycle, config: TelemetryConfig): void {
  const retired = current.pipeline;
  if (retired !== undefined) {
    retired.uninstallExitFlush?.();
    void bounded(() => retired.shutdown(), current.config.flushTimeoutMs, 'shutdown of the previous provider', false);
  }
  const enabled = config.application || config.backend;
  const provided = current.options.tracerProvider;
  const pipeline = !enabled
    ? undefined
    : provided !== undefined
      ? applicationPipeline(provided)
      : sdkPipeline(config, current.options.spanProcessors);
  current.config = config;
  current.pipeline = pipeline;
  state.content = config.content;
  if (pipeline === undefined) {
    state.application.enabled = false;
    state.backend.enabled = false;
    releaseContextManager();
  } else {
    useProvider(pipeline.tracerProvider, config.application, config.backend);
  }
}

function useProvider(provider: TracerProvider, application: boolean, backend: boolean): void {
  if (application || backend) ensureContextManager();
  state.application.tracer = provider.getTracer(APPLICATION_TRACER_NAME, VERSION);
  state.backend.tracer = provider.getTracer(BACKEND_TRACER_NAME, VERSION);
  state.application.enabled = application;
  state.backend.enabled = backend;
}

/** Reads the environment at module load (once per process, shared by the CJS and ESM builds). */
export function initTelemetry(): void {
  lifecycle();
}

/**
 * Re-reads the environment and rebuilds the tracers and provider — the counterpart of the Python docs'
 * `importlib.reload(mellea.telemetry.tracing)` tip, for tests. The previous provider is shut down in the
 * background (its pending spans are flushed). Returns the new configuration.
 *
 * @example
 * process.env.MELLEA_TRACE_BACKEND = 'true';
 * reloadTelemetryConfig();
 * isBackendTracingEnabled(); // true
 */
export function reloadTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  resetWarnings();
  const current = lifecycle();
  applyConfig(current, readTelemetryConfig(env, current.options));
  return current.config;
}

/**
 * Sets options in code (they take precedence over the environment) and rebuilds the pipeline. Calling it again
 * replaces the previous options; `configureTelemetry({})` returns to the environment alone.
 *
 * @example
 * // The application runs its own NodeSDK: send our spans through its provider, one pipeline for everything.
 * import { trace } from '@opentelemetry/api';
 * sdk.start();
 * configureTelemetry({ tracerProvider: trace.getTracerProvider(), application: true, backend: true });
 */
export function configureTelemetry(options: TelemetryOptions = {}): TelemetryConfig {
  const current = lifecycle();
  current.options = { ...options };
  applyConfig(current, readTelemetryConfig(process.env, current.options));
  return current.config;
}

/**
 * What happened to spans on the OTLP path of the provider this package built: exported, failed (collector
 * unreachable), dropped (queue full) and queued now. All zero without an OTLP endpoint or with an
 * application-provided provider.
 *
 * @example
 * const { failed, dropped } = getTelemetryExportStats();
 * if (failed + dropped > 0) logger.warn(`tracing lost ${failed + dropped} spans`);
 */
export function getTelemetryExportStats(): ExportStats {
  const current = lifecycle();
  const stats = current.pipeline === undefined ? current.finalStats : current.pipeline.stats;
  return stats === undefined ? { exported: 0, failed: 0, dropped: 0, queued: 0, inFlight: 0 } : { ...stats };
}

/** The live configuration (frozen). */
export function getTelemetryConfig(): TelemetryConfig {
  return lifecycle().config;
}

/** Whether application spans (`mellea.application`) are being produced. */
export function isApplicationTracingEnabled(): boolean {
  return state.application.enabled;
}

/** Whether backend spans (`mellea.backend`) are being produced. */
export function isBackendTracingEnabled(): boolean {
  return state.backend.enabled;
}

/** Whether the `response` attribute is recorded (MELLEA_TRACE_CONTENT, default true). */
export function isContentTracingEnabled(): boolean {
  return state.content;
}

/**
 * Routes both scopes to `tracerProvider` with the given switches, until the returned function restores the
 * previous routing. Used by the testing entry point; the SDK runtime built from the environment stays as is.
 */
export function overrideTracing(
  tracerProvider: TracerProvider,
  switches: { application: boolean; backend: boolean; content: boolean },
): () => void {
  lifecycle();
  const saved = {
    application: { ...state.application },
    backend: { ...state.backend },
    content: state.content,
  };
  useProvider(tracerProvider, switches.application, switches.backend);
  state.content = switches.content;
  return () => {
    Object.assign(state.application, saved.application);
    Object.assign(state.backend, saved.backend);
    state.content = saved.content;
  };
}

/**
 * Exports every finished span that is still buffered. Never rejects; resolves after at most `timeoutMs`
 * (default `MELLEA_TRACE_FLUSH_TIMEOUT`, 5000 ms) even when the collector hangs.
 *
 * @example
 * // end of a serverless handler: the platform may freeze the process once it returns
 * await forceFlushTelemetry();
 */
export async function forceFlushTelemetry(timeoutMs?: number): Promise<void> {
  const current = lifecycle();
  const pipeline = current.pipeline;
  if (pipeline !== undefined)
    await bounded(() => pipeline.forceFlush(), timeoutMs ?? current.config.flushTimeoutMs, 'flush', true);
}

/**
 * Flushes and stops the exporters, and turns both scopes off. Never rejects; resolves after at most `timeoutMs`
 * (default `MELLEA_TRACE_FLUSH_TIMEOUT`, 5000 ms). An application-provided provider is flushed, not shut down.
 *
 * @example
 * process.on('SIGTERM', () => server.close(async () => {
 *   await shutdownTelemetry();
 *   process.exit(0);
 * }));
 */
export async function shutdownTelemetry(timeoutMs?: number): Promise<void> {
  const current = lifecycle();
  const pipeline = current.pipeline;
  current.pipeline = undefined;
  state.application.enabled = false;
  state.backend.enabled = false;
  if (pipeline === undefined) return;
  current.finalStats = pipeline.stats;
  pipeline.uninstallExitFlush?.();
  await bounded(() => pipeline.shutdown(), timeoutMs ?? current.config.flushTimeoutMs, 'shutdown', true);
}
