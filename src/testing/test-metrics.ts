/**
 * In-memory metrics for unit tests: a meter provider with a manually collected reader (the SDK's own
 * `MetricReader`), and its data as plain points — name, unit, type, attributes, value or bucket counts.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { AggregatingSink } from '../metrics/aggregation';
import { overrideMetrics } from '../metrics/metrics-lifecycle';
import { metrics } from '../metrics/metrics-state';

/** One data point of a collected metric. */
export interface MetricPoint {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** `histogram` or `counter` (a monotonic sum), as the SDK aggregated the instrument. */
  readonly type: 'histogram' | 'counter' | 'sum' | 'gauge' | 'exponential_histogram';
  readonly attributes: Readonly<Record<string, unknown>>;
  /** A counter's value, or a histogram's sum. */
  readonly value: number;
  /** Histograms: how many values were recorded. */
  readonly count?: number;
  readonly min?: number;
  readonly max?: number;
  /** Histograms: the explicit bucket boundaries. */
  readonly boundaries?: readonly number[];
  /** Histograms: the count of each bucket (one more than the boundaries). */
  readonly bucketCounts?: readonly number[];
}

type SdkMetrics = typeof import('@opentelemetry/sdk-metrics');

/** The metric half of `createTestTracing({ metrics: true })`. */
export interface TestMetrics {
  readonly meterProvider: MeterProvider;
  collect(): Promise<MetricPoint[]>;
  reset(): void;
  shutdown(): Promise<void>;
}

export function createTestMetrics(): TestMetrics {
  const sdk = require('@opentelemetry/sdk-metrics') as SdkMetrics;
  class CollectingReader extends sdk.MetricReader {
    protected override onForceFlush(): Promise<void> {
      return Promise.resolve();
    }
    protected override onShutdown(): Promise<void> {
      return Promise.resolve();
    }
  }
  // The same path as a provider this package builds: its own aggregation, read through an SDK reader.
  const start = (): { reader: CollectingReader; provider: InstanceType<SdkMetrics['MeterProvider']> } => {
    const sink = new AggregatingSink(sdk);
    const reader = new CollectingReader({ metricProducers: [sink] });
    overrideMetrics(sink);
    return { reader, provider: new sdk.MeterProvider({ readers: [reader] }) };
  };
  const saved = metrics.recorder;
  let { reader, provider } = start();
  return {
    get meterProvider() {
      return provider;
    },
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return pointsOf(resourceMetrics, sdk);
    },
    reset() {
      // Cumulative data cannot be cleared: a fresh provider (and instruments) for the next test.
      void provider.shutdown();
      ({ reader, provider } = start());
    },
    async shutdown() {
      metrics.recorder = saved;
      await provider.shutdown();
    },
  };
}

function pointsOf(resourceMetrics: ResourceMetrics, sdk: SdkMetrics): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) points.push(...metricPoints(metric, sdk));
  }
  return points;
}

function metricPoints(metric: MetricData, sdk: SdkMetrics): MetricPoint[] {
  const { name, unit, description } = metric.descriptor;
  const base = { name, unit, description };
  switch (metric.dataPointType) {
    case sdk.DataPointType.HISTOGRAM:
      return metric.dataPoints.map((point) => ({
        ...base,
        type: 'histogram' as const,
        attributes: point.attributes,
        value: point.value.sum ?? 0,
        count: point.value.count,
        min: point.value.min,
        max: point.value.max,
        boundaries: point.value.buckets.boundaries,
        bucketCounts: point.value.buckets.counts,
      }));
    case sdk.DataPointType.SUM:
      return metric.dataPoints.map((point) => ({
        ...base,
        type: metric.isMonotonic ? ('counter' as const) : ('sum' as const),
        attributes: point.attributes,
        value: point.value,
      }));
    case sdk.DataPointType.GAUGE:
      return metric.dataPoints.map((point) => ({
        ...base,
        type: 'gauge' as const,
        attributes: point.attributes,
        value: point.value,
      }));
    default:
      return metric.dataPoints.map((point) => ({
        ...base,
        type: 'exponential_histogram' as const,
        attributes: point.attributes,
        value: (point.value as { sum?: number }).sum ?? 0,
      }));
  }
}
