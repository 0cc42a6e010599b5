/**
 * Metrics' part of the lifecycle: turning metrics on and off with the configuration, the application's own
 * `MeterProvider` or one built from the `MELLEA_METRICS_*` settings, flush on exit, flush and shutdown. The
 * instruments are created only here, only when metrics are on.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { TelemetryConfig } from '../config';
import { installExitFlush } from '../sdk/exit-flush';
import { createMetricsRuntime } from '../sdk/metrics-provider';
import { bounded } from '../sdk/pipeline';
import { metrics } from './metrics-state';
import { MetricsRecorder } from './recorder';

/** The metrics options of `configureTelemetry`. */
export interface MetricsOptions {
  /**
   * Record this package's metrics through the application's own provider (e.g. the one a `NodeSDK` built) instead
   * of building one from the `MELLEA_METRICS_*` settings. The application then owns export and shutdown.
   * Metrics must still be on (`MELLEA_METRICS_ENABLED=true` or `metrics: true`).
   */
  meterProvider?: MeterProvider;
  /** More metric readers for the provider built from the environment (ignored with `meterProvider`). */
  metricReaders?: readonly MetricReader[];
}

interface MetricsPipeline {
  readonly meterProvider: MeterProvider;
  /** Whether this package built the provider (and so shuts it down). */
  readonly owned: boolean;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  uninstallExitFlush?: () => void;
}

const PIPELINE_KEY = Symbol.for('mellea-telemetry.metrics-pipeline.v1');
const holder = globalThis as { [PIPELINE_KEY]?: { pipeline: MetricsPipeline | undefined } };
const current = (holder[PIPELINE_KEY] ??= { pipeline: undefined });

/** Flushes what `provider` buffered, if it can (the API's proxy hides the SDK provider behind `getDelegate`). */
function flushProvider(provider: MeterProvider): Promise<void> {
  const flushable = provider as { forceFlush?: () => Promise<unknown> };
  return typeof flushable.forceFlush === 'function' ? flushable.forceFlush().then(() => undefined) : Promise.resolve();
}

/** Makes `config.metrics` live: retires the previous provider, builds or adopts the next, creates the instruments. */
export function applyMetricsConfig(config: TelemetryConfig, options: MetricsOptions): void {
  const retired = current.pipeline;
  current.pipeline = undefined;
  metrics.recorder = undefined;
  if (retired !== undefined) {
    retired.uninstallExitFlush?.();
    if (retired.owned) void bounded(() => retired.shutdown(), config.flushTimeoutMs, 'metrics shutdown', false);
  }
  if (!config.metrics.enabled) return;
  let pipeline: MetricsPipeline;
  if (options.meterProvider !== undefined) {
    const provider = options.meterProvider;
    pipeline = {
      meterProvider: provider,
      owned: false,
      forceFlush: () => flushProvider(provider),
      shutdown: () => flushProvider(provider),
    };
  } else {
    const runtime = createMetricsRuntime(config, options.metricReaders);
    if (runtime === undefined) return;
    pipeline = { ...runtime, owned: true };
  }
  const recorder = new MetricsRecorder(pipeline.meterProvider);
  if (pipeline.owned && config.flushOnExit) {
    pipeline.uninstallExitFlush = installExitFlush({
      hasPendingSpans: () => recorder.recorded > 0,
      admittedSpans: () => recorder.recorded,
      flush: (keepAlive) => bounded(() => pipeline.forceFlush(), config.flushTimeoutMs, 'metrics flush', keepAlive),
    });
  }
  current.pipeline = pipeline;
  metrics.recorder = recorder;
}

/** Exports the metrics collected so far; never rejects. */
export function flushMetrics(timeoutMs: number): Promise<void> {
  const pipeline = current.pipeline;
  return pipeline === undefined
    ? Promise.resolve()
    : bounded(() => pipeline.forceFlush(), timeoutMs, 'metrics flush', false);
}

/** Exports and stops (an application's provider is only flushed); metrics are off afterwards. Never rejects. */
export function shutdownMetrics(timeoutMs: number): Promise<void> {
  const pipeline = current.pipeline;
  current.pipeline = undefined;
  metrics.recorder = undefined;
  if (pipeline === undefined) return Promise.resolve();
  pipeline.uninstallExitFlush?.();
  return bounded(() => pipeline.shutdown(), timeoutMs, 'metrics shutdown', false);
}

/** Records into `provider` until the returned function restores the previous recorder (the testing entry). */
export function overrideMetrics(provider: MeterProvider | undefined): () => void {
  const saved = metrics.recorder;
  metrics.recorder = provider === undefined ? undefined : new MetricsRecorder(provider);
  return () => {
    metrics.recorder = saved;
  };
}

/** Whether metrics are being recorded. */
export function isMetricsEnabled(): boolean {
  return metrics.recorder !== undefined;
}
