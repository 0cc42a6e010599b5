/**
 * Metrics' part of the lifecycle: turning metrics on and off with the configuration, the application's own
 * `MeterProvider` or one built from the `MELLEA_METRICS_*` settings, flush on exit, flush and shutdown. The
 * instruments are created only here, only when metrics are on.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { TelemetryConfig } from '../config';
import { installExitFlush } from '../sdk/exit-flush';
import { createMetricsRuntime } from '../sdk/metrics-provider';
import { bounded } from '../sdk/pipeline';
import { InstrumentSink, type MetricsSink } from './instruments';
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
}

interface MetricsPipeline {
  readonly meterProvider: MeterProvider;
  readonly sink: MetricsSink;
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
      sink: new InstrumentSink(provider),
      owned: false,
      forceFlush: () => flushProvider(provider),
      shutdown: () => flushProvider(provider),
    };
  } else {
    const runtime = createMetricsRuntime(config);
    if (runtime === undefined) return;
    pipeline = { ...runtime, owned: true };
  }
  const recorder = new MetricsRecorder(pipeline.sink);
  if (pipeline.owned && config.flushOnExit) {
    pipeline.uninstallExitFlush = installExitFlush({
      hasPendingSpans: () => recorder.recorded > 0,
      admittedSpans: () => recorder.recorded,
      timeoutMs: config.flushTimeoutMs,
      flush: () => pipeline.forceFlush().catch(() => undefined),
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

/** Records into `sink` until the returned function restores the previous recorder (the testing entry). */
export function overrideMetrics(sink: MetricsSink | undefined): () => void {
  const saved = metrics.recorder;
  metrics.recorder = sink === undefined ? undefined : new MetricsRecorder(sink);
  return () => {
    metrics.recorder = saved;
  };
}

/**
 * Whether metrics are being recorded (`MELLEA_METRICS_ENABLED`, or `configureTelemetry({ metrics: true })`).
 *
 * @example
 * if (isMetricsEnabled()) console.log('token usage and latency go to meter mellea.metrics');
 */
export function isMetricsEnabled(): boolean {
  return metrics.recorder !== undefined;
}
