/**
 * The instruments of meter `mellea.metrics` and how one observed backend call, sampling run or requirement
 * check becomes data points. Created only when metrics are turned on (API only: the meter may be the
 * application's, or the one src/sdk/metrics-provider.ts built).
 */
import type { Attributes, Counter, Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MELLEA_ERROR_CATEGORY,
  ATTR_REQUIREMENT,
  ATTR_STRATEGY,
  GEN_AI_LATEST,
  METER_NAME,
  METRIC_MELLEA_LLM_ERRORS,
  METRIC_MELLEA_REQUIREMENT_CHECKS,
  METRIC_MELLEA_REQUIREMENT_FAILURES,
  METRIC_MELLEA_SAMPLING_ATTEMPTS,
  METRIC_MELLEA_SAMPLING_FAILURES,
  METRIC_MELLEA_SAMPLING_SUCCESSES,
} from '../semconv';
import { VERSION } from '../version';
import { errorCategory } from './error-category';

const A = GEN_AI_LATEST.attributes;

/** What an observed backend call hands over when it ends. */
export interface BackendCallRecord {
  /** The call's attributes as the span got them (both conventions). */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly server: { readonly address: string; readonly port: number } | undefined;
  readonly durationSeconds: number;
  readonly timeToFirstChunkSeconds: number | undefined;
  readonly failed: boolean;
  readonly error: unknown;
  readonly errorType: string | undefined;
}

/** The instruments, created once per meter provider. */
export class MetricsRecorder {
  /** How many data points were recorded (the exit flush runs only when there are new ones). */
  recorded = 0;
  private readonly tokenUsage: Histogram;
  private readonly duration: Histogram;
  private readonly timeToFirstChunk: Histogram;
  private readonly errors: Counter;
  private readonly samplingAttempts: Counter;
  private readonly samplingSuccesses: Counter;
  private readonly samplingFailures: Counter;
  private readonly requirementChecks: Counter;
  private readonly requirementFailures: Counter;

  constructor(provider: MeterProvider) {
    const meter: Meter = provider.getMeter(METER_NAME, VERSION);
    const M = GEN_AI_LATEST.metrics;
    this.tokenUsage = meter.createHistogram(M.tokenUsage, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...GEN_AI_LATEST.tokenBuckets] },
    });
    this.duration = meter.createHistogram(M.operationDuration, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: [...GEN_AI_LATEST.durationBuckets] },
    });
    this.timeToFirstChunk = meter.createHistogram(M.timeToFirstChunk, {
      description: 'Time to receive the first chunk of a streamed response',
      unit: 's',
      advice: { explicitBucketBoundaries: [...GEN_AI_LATEST.durationBuckets] },
    });
    this.errors = meter.createCounter(METRIC_MELLEA_LLM_ERRORS, {
      description: 'Failed model calls, by category',
      unit: '{error}',
    });
    this.samplingAttempts = meter.createCounter(METRIC_MELLEA_SAMPLING_ATTEMPTS, {
      description: 'Generations made by sampling strategies',
      unit: '{attempt}',
    });
    this.samplingSuccesses = meter.createCounter(METRIC_MELLEA_SAMPLING_SUCCESSES, {
      description: 'Sampling runs that met every requirement',
      unit: '{run}',
    });
    this.samplingFailures = meter.createCounter(METRIC_MELLEA_SAMPLING_FAILURES, {
      description: 'Sampling runs that exhausted their budget',
      unit: '{run}',
    });
    this.requirementChecks = meter.createCounter(METRIC_MELLEA_REQUIREMENT_CHECKS, {
      description: 'Requirement validations',
      unit: '{check}',
    });
    this.requirementFailures = meter.createCounter(METRIC_MELLEA_REQUIREMENT_FAILURES, {
      description: 'Requirement validations that failed',
      unit: '{check}',
    });
  }

  /** Duration, token usage, time to first chunk and (on failure) the error counter of one backend call. */
  recordBackendCall(call: BackendCallRecord): void {
    const source = call.attributes;
    const common: Attributes = {};
    copyString(source, ATTR_GEN_AI_OPERATION_NAME, common);
    copyString(source, ATTR_GEN_AI_SYSTEM, common);
    copyString(source, A.providerName, common);
    copyString(source, ATTR_GEN_AI_REQUEST_MODEL, common);
    copyString(source, ATTR_GEN_AI_RESPONSE_MODEL, common);
    const server = call.server;
    if (server !== undefined) {
      common[A.serverAddress] = server.address;
      common[A.serverPort] = server.port;
    }
    this.duration.record(
      call.durationSeconds,
      call.failed ? { ...common, [ATTR_ERROR_TYPE]: call.errorType ?? '_OTHER' } : common,
    );
    this.recorded++;
    if (call.timeToFirstChunkSeconds !== undefined) {
      this.timeToFirstChunk.record(call.timeToFirstChunkSeconds, common);
      this.recorded++;
    }
    this.recordTokens(source[ATTR_GEN_AI_USAGE_INPUT_TOKENS], GEN_AI_LATEST.tokenTypes.input, common);
    this.recordTokens(source[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS], GEN_AI_LATEST.tokenTypes.output, common);
    if (call.failed) {
      const attributes: Attributes = {
        [ATTR_MELLEA_ERROR_CATEGORY]: errorCategory(call.error),
        [ATTR_ERROR_TYPE]: call.errorType ?? '_OTHER',
      };
      copyString(common, ATTR_GEN_AI_OPERATION_NAME, attributes);
      copyString(common, ATTR_GEN_AI_SYSTEM, attributes);
      copyString(common, A.providerName, attributes);
      copyString(common, ATTR_GEN_AI_REQUEST_MODEL, attributes);
      this.errors.add(1, attributes);
      this.recorded++;
    }
  }

  private recordTokens(count: unknown, type: string, common: Attributes): void {
    if (typeof count !== 'number' || !(count > 0)) return;
    this.tokenUsage.record(count, { ...common, [A.tokenType]: type });
    this.recorded++;
  }

  /** One sampling run: its attempts, and a success or a failure. */
  recordSamplingRun(strategy: string, attempts: number, success: boolean): void {
    const attributes = { [ATTR_STRATEGY]: strategy };
    if (attempts > 0) this.samplingAttempts.add(attempts, attributes);
    (success ? this.samplingSuccesses : this.samplingFailures).add(1, attributes);
    this.recorded++;
  }

  /** One requirement check, and a failure when it did not pass. */
  recordRequirementCheck(requirement: string, passed: boolean): void {
    const attributes = { [ATTR_REQUIREMENT]: requirement };
    this.requirementChecks.add(1, attributes);
    if (!passed) this.requirementFailures.add(1, attributes);
    this.recorded++;
  }
}

function copyString(from: Readonly<Record<string, unknown>>, key: string, to: Attributes): void {
  const value = from[key];
  if (typeof value === 'string' && value !== '') to[key] = value;
}
