/**
 * The nine instruments of meter `mellea.metrics` as data (name, kind, unit, description, buckets), and the two
 * places they can be recorded into: the API instruments of any `MeterProvider` ({@link InstrumentSink}), or this
 * package's own aggregation ({@link AggregatingSink}, see aggregation.ts) for the providers it builds.
 */
import type { Attributes, Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import {
  GEN_AI_LATEST,
  METER_NAME,
  METRIC_MELLEA_LLM_ERRORS,
  METRIC_MELLEA_REQUIREMENT_CHECKS,
  METRIC_MELLEA_REQUIREMENT_FAILURES,
  METRIC_MELLEA_SAMPLING_ATTEMPTS,
  METRIC_MELLEA_SAMPLING_FAILURES,
  METRIC_MELLEA_SAMPLING_SUCCESSES,
} from '../semconv-gen-ai-v1-41';
import { VERSION } from '../version';

/** One instrument's definition. */
export interface InstrumentSpec {
  readonly name: string;
  readonly kind: 'histogram' | 'counter';
  readonly unit: string;
  readonly description: string;
  /** Histograms: the explicit bucket boundaries (advised to the SDK, used by our aggregation). */
  readonly buckets?: readonly number[];
}

/** Indexes into {@link INSTRUMENTS}. */
export const Instrument = {
  TokenUsage: 0,
  OperationDuration: 1,
  TimeToFirstChunk: 2,
  LlmErrors: 3,
  SamplingAttempts: 4,
  SamplingSuccesses: 5,
  SamplingFailures: 6,
  RequirementChecks: 7,
  RequirementFailures: 8,
} as const;
export type Instrument = (typeof Instrument)[keyof typeof Instrument];

const M = GEN_AI_LATEST.metrics;
export const INSTRUMENTS: readonly InstrumentSpec[] = [
  {
    name: M.tokenUsage,
    kind: 'histogram',
    unit: '{token}',
    description: 'Number of input and output tokens used',
    buckets: GEN_AI_LATEST.tokenBuckets,
  },
  {
    name: M.operationDuration,
    kind: 'histogram',
    unit: 's',
    description: 'GenAI operation duration',
    buckets: GEN_AI_LATEST.durationBuckets,
  },
  {
    name: M.timeToFirstChunk,
    kind: 'histogram',
    unit: 's',
    description: 'Time to receive the first chunk of a streamed response',
    buckets: GEN_AI_LATEST.durationBuckets,
  },
  { name: METRIC_MELLEA_LLM_ERRORS, kind: 'counter', unit: '{error}', description: 'Failed model calls, by category' },
  {
    name: METRIC_MELLEA_SAMPLING_ATTEMPTS,
    kind: 'counter',
    unit: '{attempt}',
    description: 'Generations made by sampling strategies',
  },
  {
    name: METRIC_MELLEA_SAMPLING_SUCCESSES,
    kind: 'counter',
    unit: '{run}',
    description: 'Sampling runs that met every requirement',
  },
  {
    name: METRIC_MELLEA_SAMPLING_FAILURES,
    kind: 'counter',
    unit: '{run}',
    description: 'Sampling runs that exhausted their budget',
  },
  { name: METRIC_MELLEA_REQUIREMENT_CHECKS, kind: 'counter', unit: '{check}', description: 'Requirement validations' },
  {
    name: METRIC_MELLEA_REQUIREMENT_FAILURES,
    kind: 'counter',
    unit: '{check}',
    description: 'Requirement validations that failed',
  },
];

/** One series (an instrument and one attribute set): record a histogram value, or add to a counter. */
export interface MetricSeries {
  record(value: number): void;
}

/**
 * Where data points go. A series is asked for once per attribute set (`key` identifies the set; the same key
 * always comes with equal attributes) and then recorded into without rebuilding its attributes.
 */
export interface MetricsSink {
  series(instrument: Instrument, key: string, attributes: Attributes): MetricSeries;
}

/** Records through the API instruments of a `MeterProvider` (the application's own, typically). */
export class InstrumentSink implements MetricsSink {
  private readonly instruments: (Histogram | Counter)[];

  constructor(provider: MeterProvider) {
    const meter = provider.getMeter(METER_NAME, VERSION);
    this.instruments = INSTRUMENTS.map((spec) =>
      spec.kind === 'histogram'
        ? meter.createHistogram(spec.name, {
            description: spec.description,
            unit: spec.unit,
            advice: { explicitBucketBoundaries: [...spec.buckets!] },
          })
        : meter.createCounter(spec.name, { description: spec.description, unit: spec.unit }),
    );
  }

  series(instrument: Instrument, _key: string, attributes: Attributes): MetricSeries {
    const target = this.instruments[instrument]!;
    if (INSTRUMENTS[instrument]!.kind === 'histogram') {
      const histogram = target as Histogram;
      return { record: (value) => histogram.record(value, attributes) };
    }
    const counter = target as Counter;
    return { record: (value) => counter.add(value, attributes) };
  }
}
