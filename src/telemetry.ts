/**
 * The telemetry lifecycle: configuration read once at load, `reloadTelemetryConfig()` for tests, status
 * queries, flush and shutdown.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { readTelemetryConfig, type TelemetryConfig } from './config';
import { ensureContextManager, releaseContextManager } from './sdk/context-manager';
import { createSdkRuntime, type SdkRuntime } from './sdk/provider';
import { APPLICATION_TRACER_NAME, BACKEND_TRACER_NAME } from './semconv';
import { state } from './state';
import { VERSION } from './version';
import { describeError, resetWarnings, warnOnce } from './warnings';

const LIFECYCLE_KEY = Symbol.for('mellea-telemetry.lifecycle.v1');

interface Lifecycle {
  config: TelemetryConfig;
  runtime: SdkRuntime | undefined;
}

const holder = globalThis as { [LIFECYCLE_KEY]?: Lifecycle };

function lifecycle(): Lifecycle {
  let current = holder[LIFECYCLE_KEY];
  if (current === undefined) {
    current = holder[LIFECYCLE_KEY] = { config: readTelemetryConfig(), runtime: undefined };
    applyConfig(current, current.config);
  }
  return current;
}

/** Makes `config` the live configuration. Builds the SDK only when a scope is enabled. */
function applyConfig(current: Lifecycle, config: TelemetryConfig): void {
  const retired = current.runtime;
  if (retired !== undefined) {
    retired
      .shutdown()
      .catch((error: unknown) =>
        warnOnce('sdk:shutdown', `shutting down the previous tracer provider failed: ${describeError(error)}`),
      );
  }
  const runtime = config.application || config.backend ? createSdkRuntime(config) : undefined;
  current.config = config;
  current.runtime = runtime;
  state.content = config.content;
  if (runtime === undefined) {
    state.application.enabled = false;
    state.backend.enabled = false;
    releaseContextManager();
  } else {
    useProvider(runtime.tracerProvider, config.application, config.backend);
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
  applyConfig(current, readTelemetryConfig(env));
  return current.config;
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

/** Exports every finished span that is still buffered. Never rejects; resolves after at most `timeoutMs`. */
export async function forceFlushTelemetry(timeoutMs = 5000): Promise<void> {
  const runtime = lifecycle().runtime;
  if (runtime !== undefined) await bounded(runtime.forceFlush(), timeoutMs, 'flush');
}

/** Flushes and stops the exporters. Never rejects; resolves after at most `timeoutMs`. */
export async function shutdownTelemetry(timeoutMs = 5000): Promise<void> {
  const current = lifecycle();
  const runtime = current.runtime;
  current.runtime = undefined;
  state.application.enabled = false;
  state.backend.enabled = false;
  if (runtime !== undefined) await bounded(runtime.shutdown(), timeoutMs, 'shutdown');
}

async function bounded(work: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
    if (outcome === 'timeout') warnOnce(`sdk:${what}-timeout`, `telemetry ${what} did not finish within ${timeoutMs} ms; pending spans may be lost`);
  } catch (error) {
    warnOnce(`sdk:${what}-failed`, `telemetry ${what} failed: ${describeError(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
