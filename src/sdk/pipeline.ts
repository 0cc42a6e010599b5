/**
 * The pipeline the enabled scopes send their spans to: the application's own provider, or one this package
 * builds from the config (src/sdk/provider.ts) with exit hooks. Loaded with the SDK side only.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from '../config';
import { abandonOpenStreams } from '../open-streams';
import { describeError, warn, warnOnce } from '../warnings';
import { installExitFlush } from './exit-flush';
import type { ExportStats } from './export-guard';
import { createSdkRuntime } from './provider';

/** Where the enabled scopes send their spans, and how to flush and stop it. */
export interface Pipeline {
  readonly tracerProvider: TracerProvider;
  readonly stats: ExportStats | undefined;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Removes the exit hooks, if any. */
  uninstallExitFlush?: () => void;
}

/** Uses the application's provider as is: flushing is allowed, stopping it is the application's business. */
export function applicationPipeline(tracerProvider: TracerProvider): Pipeline {
  const flush = (): Promise<void> => {
    // `trace.getTracerProvider()` is the API's proxy; the SDK provider behind it is the one that can flush.
    const proxy = tracerProvider as { getDelegate?: () => TracerProvider };
    const flushable = (proxy.getDelegate?.() ?? tracerProvider) as { forceFlush?: () => Promise<unknown> };
    return typeof flushable.forceFlush === 'function'
      ? flushable.forceFlush().then(() => undefined)
      : Promise.resolve();
  };
  return { tracerProvider, stats: undefined, forceFlush: flush, shutdown: flush };
}

/** Builds our own provider from the config, with exit hooks unless opted out. Undefined if the SDK is missing. */
export function sdkPipeline(
  config: TelemetryConfig,
  extraProcessors: readonly SpanProcessor[] = [],
): Pipeline | undefined {
  const runtime = createSdkRuntime(config, extraProcessors);
  if (runtime === undefined) return undefined;
  const pipeline: Pipeline = {
    tracerProvider: runtime.tracerProvider,
    stats: runtime.stats,
    forceFlush: () => runtime.forceFlush(),
    shutdown: () => runtime.shutdown(),
  };
  if (config.flushOnExit) {
    pipeline.uninstallExitFlush = installExitFlush({
      hasPendingSpans: runtime.hasPendingSpans,
      admittedSpans: runtime.admittedSpans,
      endOpenStreams: abandonOpenStreams,
      timeoutMs: config.flushTimeoutMs,
      begin: (deadline) => runtime.startExitDeadline(deadline),
      flush: () => runtime.forceFlush().catch(() => undefined),
      abandon: () => runtime.abandon(),
      end: (timedOut) => runtime.endExitDeadline(config.flushTimeoutMs, timedOut),
      report: (line) => warn('sdk:exit', line),
    });
  }
  return pipeline;
}

/**
 * Waits for `work` at most `timeoutMs`; a failure or timeout becomes one warning, never a rejection.
 * `keepAlive` holds the event loop open for the wait, at most `timeoutMs`: the exporter holds nothing itself
 * (otlp-transport.ts), so an awaited `forceFlushTelemetry()` / `shutdownTelemetry()` at the end of a program would
 * otherwise let the process exit mid-export.
 */
export function bounded(work: () => Promise<void>, timeoutMs: number, what: string, keepAlive: boolean): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    // `unref` is Node's; a Worker's timers have none (and nothing to keep alive).
    if (!keepAlive) timer.unref?.();
  });
  const finished = Promise.resolve()
    .then(work)
    .then(() => 'done' as const);
  return Promise.race([finished, timeout])
    .then((outcome) => {
      if (outcome === 'timeout') {
        warnOnce(
          `sdk:${what}-timeout`,
          `telemetry ${what} did not finish within ${timeoutMs} ms; pending spans may be lost`,
        );
      }
    })
    .catch((error: unknown) => warnOnce(`sdk:${what}-failed`, `telemetry ${what} failed: ${describeError(error)}`))
    .finally(() => clearTimeout(timer));
}
