/**
 * This package's own aggregation of its nine instruments, exported through the SDK as a `MetricProducer` on the
 * readers of the meter providers it builds. Why not the SDK instruments: each SDK `record()` sorts and
 * JSON-stringifies the attribute set to find its series, which made a traced call with metrics several times
 * slower; here the recorder keeps each series object and records into it directly. The data is the same:
 * cumulative explicit-bucket histograms (upper bounds inclusive, as in the SDK) and monotonic sums.
 */
import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import type { CollectionResult, MetricData, MetricProducer } from '@opentelemetry/sdk-metrics';
import { METER_NAME } from '../semconv-gen-ai-v1-41';
import { VERSION } from '../version';
import { INSTRUMENTS, type Instrument, type MetricSeries, type MetricsSink } from './instruments';

type SdkMetrics = typeof import('@opentelemetry/sdk-metrics');

/**
 * One histogram series. Bounds and counts are typed arrays: the bucket search over a frozen array of boxed
 * numbers took about three times as long, and this runs on every recorded call.
 */
class HistogramSeries implements MetricSeries {
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(
    readonly attributes: Attributes,
    private readonly boundaries: Float64Array,
  ) {
    this.counts = new Float64Array(boundaries.length + 1);
  }

  record(value: number): void {
    const boundaries = this.boundaries;
    let bucket = 0;
    while (bucket < boundaries.length && value > boundaries[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

class CounterSeries implements MetricSeries {
  value = 0;
  constructor(readonly attributes: Attributes) {}
  record(value: number): void {
    this.value += value;
  }
}

/** A series per attribute set is kept until shutdown; beyond this many per instrument, new sets are not recorded. */
export const MAX_SERIES_PER_INSTRUMENT = 2000;
const DROPPED: MetricSeries = { record: () => {} };

function now(): HrTime {
  const ms = performance.timeOrigin + performance.now();
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

export class AggregatingSink implements MetricsSink, MetricProducer {
  private readonly all: Map<string, HistogramSeries | CounterSeries>[] = INSTRUMENTS.map(() => new Map());
  private readonly boundaries = INSTRUMENTS.map((spec) => Float64Array.from(spec.buckets ?? []));
  private readonly startTime = now();

  constructor(private readonly sdk: SdkMetrics) {}

  series(instrument: Instrument, key: string, attributes: Attributes): MetricSeries {
    const known = this.all[instrument]!;
    let series = known.get(key);
    if (series === undefined) {
      if (known.size >= MAX_SERIES_PER_INSTRUMENT) return DROPPED;
      const spec = INSTRUMENTS[instrument]!;
      series =
        spec.kind === 'histogram'
          ? new HistogramSeries(attributes, this.boundaries[instrument]!)
          : new CounterSeries(attributes);
      known.set(key, series);
    }
    return series;
  }

  /** A snapshot of every instrument with data, as one scope `mellea.metrics` (the reader adds its resource). */
  async collect(): Promise<CollectionResult> {
    const { sdk } = this;
    const endTime = now();
    const metrics: MetricData[] = [];
    INSTRUMENTS.forEach((spec, index) => {
      const base = { startTime: this.startTime, endTime };
      const descriptor = {
        name: spec.name,
        description: spec.description,
        unit: spec.unit,
        valueType: ValueType.DOUBLE,
        type: spec.kind === 'histogram' ? sdk.InstrumentType.HISTOGRAM : sdk.InstrumentType.COUNTER,
        advice: spec.buckets === undefined ? {} : { explicitBucketBoundaries: [...spec.buckets] },
      };
      const series = [...this.all[index]!.values()];
      if (spec.kind === 'histogram') {
        const recorded = (series as HistogramSeries[]).filter((entry) => entry.count > 0);
        if (recorded.length === 0) return;
        metrics.push({
          descriptor,
          aggregationTemporality: sdk.AggregationTemporality.CUMULATIVE,
          dataPointType: sdk.DataPointType.HISTOGRAM,
          dataPoints: recorded.map((entry) => ({
            ...base,
            attributes: entry.attributes,
            value: {
              buckets: { boundaries: [...spec.buckets!], counts: Array.from(entry.counts) },
              count: entry.count,
              sum: entry.sum,
              min: entry.min,
              max: entry.max,
            },
          })),
        });
      } else {
        const recorded = (series as CounterSeries[]).filter((entry) => entry.value > 0);
        if (recorded.length === 0) return;
        metrics.push({
          descriptor,
          aggregationTemporality: sdk.AggregationTemporality.CUMULATIVE,
          dataPointType: sdk.DataPointType.SUM,
          isMonotonic: true,
          dataPoints: recorded.map((entry) => ({ ...base, attributes: entry.attributes, value: entry.value })),
        });
      }
    });
    return {
      // The reader keeps its provider's resource and only takes the scopes from here.
      resourceMetrics: {
        resource: undefined as never,
        scopeMetrics: metrics.length === 0 ? [] : [{ scope: { name: METER_NAME, version: VERSION }, metrics }],
      },
      errors: [],
    };
  }
}
