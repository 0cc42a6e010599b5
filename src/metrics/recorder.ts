/**
 * How one observed backend call, sampling run or requirement check becomes data points of meter
 * `mellea.metrics`. Created only when metrics are turned on; records into a {@link MetricsSink} — the API
 * instruments of an application's `MeterProvider`, or this package's own aggregation. The series of a call's
 * attribute set are looked up once and kept, so a repeated call costs one map look-up and a few additions.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
} from '../semconv';
import { ATTR_MELLEA_ERROR_CATEGORY, ATTR_REQUIREMENT, ATTR_STRATEGY, GEN_AI_LATEST } from '../semconv-gen-ai-v1-41';
import { errorCategory } from './error-category';
import { Instrument, type MetricSeries, type MetricsSink } from './instruments';

const A = GEN_AI_LATEST.attributes;
const PROVIDER = A.providerName;
const TOKEN_TYPE = A.tokenType;
const SERVER_ADDRESS = A.serverAddress;
const SERVER_PORT = A.serverPort;
const INPUT = GEN_AI_LATEST.tokenTypes.input;
const OUTPUT = GEN_AI_LATEST.tokenTypes.output;
const SEP = '\u0000';
/** Attribute sets remembered by the recorder; beyond this, a new set's series are looked up on each call. */
const MAX_GROUPS = 2000;

/**
 * What an observed backend call hands over when it ends: the last value each of the span's attribute maps gave
 * the keys metrics read (either conventions; later maps override earlier ones), and how the call went.
 */
export interface BackendCallRecord {
  /** `gen_ai.operation.name`, `gen_ai.system`, `gen_ai.provider.name`, the request and response models. */
  readonly operation: unknown;
  readonly system: unknown;
  readonly provider: unknown;
  readonly requestModel: unknown;
  readonly responseModel: unknown;
  /** `gen_ai.usage.input_tokens` / `output_tokens`. */
  readonly inputTokens: unknown;
  readonly outputTokens: unknown;
  readonly server: { readonly address: string; readonly port: number } | undefined;
  readonly durationSeconds: number;
  readonly timeToFirstChunkSeconds: number | undefined;
  readonly failed: boolean;
  readonly error: unknown;
  readonly errorType: string | undefined;
}

/** The series of one backend attribute set, created on first use. */
interface CallGroup {
  readonly key: string;
  /** The values the key was built from, to recognise the previous call's set without building a key. */
  readonly values: readonly unknown[];
  readonly attributes: Attributes;
  duration?: MetricSeries;
  timeToFirstChunk?: MetricSeries;
  input?: MetricSeries;
  output?: MetricSeries;
  readonly failures: Map<string, MetricSeries>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export class MetricsRecorder {
  /** How many data points were recorded (the exit flush runs only when there are new ones). */
  recorded = 0;
  private readonly groups = new Map<string, CallGroup>();
  /** Most programs call one model over and over: the last set is checked first, by its values. */
  private last: CallGroup | undefined;
  private readonly counters = new Map<string, MetricSeries>();

  constructor(private readonly sink: MetricsSink) {}

  /** Duration, token usage, time to first chunk and (on failure) the error counter of one backend call. */
  recordBackendCall(call: BackendCallRecord): void {
    const group = this.groupOf(call);
    const sink = this.sink;
    if (call.failed) {
      const errorType = call.errorType ?? '_OTHER';
      const category = errorCategory(call.error);
      let duration = group.failures.get(errorType);
      if (duration === undefined) {
        duration = sink.series(Instrument.OperationDuration, `${group.key}${SEP}${errorType}`, {
          ...group.attributes,
          [ATTR_ERROR_TYPE]: errorType,
        });
        group.failures.set(errorType, duration);
      }
      duration.record(call.durationSeconds);
      const errorKey = `${SEP}${errorType}${SEP}${category}`;
      let errors = group.failures.get(errorKey);
      if (errors === undefined) {
        const attributes: Attributes = { [ATTR_MELLEA_ERROR_CATEGORY]: category, [ATTR_ERROR_TYPE]: errorType };
        for (const key of ERROR_ATTRIBUTES)
          if (group.attributes[key] !== undefined) attributes[key] = group.attributes[key];
        errors = sink.series(Instrument.LlmErrors, `${group.key}${errorKey}`, attributes);
        group.failures.set(errorKey, errors);
      }
      errors.record(1);
      this.recorded += 2;
    } else {
      (group.duration ??= sink.series(Instrument.OperationDuration, group.key, group.attributes)).record(
        call.durationSeconds,
      );
      this.recorded++;
    }
    if (call.timeToFirstChunkSeconds !== undefined) {
      (group.timeToFirstChunk ??= sink.series(Instrument.TimeToFirstChunk, group.key, group.attributes)).record(
        call.timeToFirstChunkSeconds,
      );
      this.recorded++;
    }
    const input = call.inputTokens;
    if (typeof input === 'number' && input > 0) {
      (group.input ??= sink.series(Instrument.TokenUsage, `${group.key}${SEP}i`, {
        ...group.attributes,
        [TOKEN_TYPE]: INPUT,
      })).record(input);
      this.recorded++;
    }
    const output = call.outputTokens;
    if (typeof output === 'number' && output > 0) {
      (group.output ??= sink.series(Instrument.TokenUsage, `${group.key}${SEP}o`, {
        ...group.attributes,
        [TOKEN_TYPE]: OUTPUT,
      })).record(output);
      this.recorded++;
    }
  }

  /** The attribute set of a call (operation, provider, models, server) and its series. */
  private groupOf(call: BackendCallRecord): CallGroup {
    const operation = text(call.operation);
    const system = text(call.system);
    const provider = text(call.provider);
    const requestModel = text(call.requestModel);
    const responseModel = text(call.responseModel);
    const server = call.server;
    const address = server?.address;
    const port = server?.port;
    const last = this.last;
    if (last !== undefined) {
      const v = last.values;
      if (
        v[0] === operation &&
        v[1] === system &&
        v[2] === provider &&
        v[3] === requestModel &&
        v[4] === responseModel &&
        v[5] === address &&
        v[6] === port
      )
        return last;
    }
    // Positions are fixed, so the key is unambiguous.
    const key = `${operation}${SEP}${system}${SEP}${provider}${SEP}${requestModel}${SEP}${responseModel}${SEP}${address}${SEP}${port}`;
    let group = this.groups.get(key);
    if (group !== undefined) {
      this.last = group;
      return group;
    }
    const attributes: Attributes = {};
    if (operation !== undefined) attributes[ATTR_GEN_AI_OPERATION_NAME] = operation;
    if (system !== undefined) attributes[ATTR_GEN_AI_SYSTEM] = system;
    if (provider !== undefined) attributes[PROVIDER] = provider;
    if (requestModel !== undefined) attributes[ATTR_GEN_AI_REQUEST_MODEL] = requestModel;
    if (responseModel !== undefined) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = responseModel;
    if (server !== undefined) {
      attributes[SERVER_ADDRESS] = server.address;
      attributes[SERVER_PORT] = server.port;
    }
    group = {
      key,
      values: [operation, system, provider, requestModel, responseModel, address, port],
      attributes,
      failures: new Map(),
    };
    if (this.groups.size < MAX_GROUPS) this.groups.set(key, group);
    this.last = group;
    return group;
  }

  private counter(instrument: Instrument, label: string, attribute: string): MetricSeries {
    const key = `${instrument}${SEP}${label}`;
    let series = this.counters.get(key);
    if (series === undefined) {
      series = this.sink.series(instrument, label, { [attribute]: label });
      if (this.counters.size < MAX_GROUPS) this.counters.set(key, series);
    }
    return series;
  }

  /** One sampling run: its attempts, and a success or a failure. */
  recordSamplingRun(strategy: string, attempts: number, success: boolean): void {
    if (attempts > 0) this.counter(Instrument.SamplingAttempts, strategy, ATTR_STRATEGY).record(attempts);
    this.counter(success ? Instrument.SamplingSuccesses : Instrument.SamplingFailures, strategy, ATTR_STRATEGY).record(
      1,
    );
    this.recorded++;
  }

  /** One requirement check, and a failure when it did not pass. */
  recordRequirementCheck(requirement: string, passed: boolean): void {
    this.counter(Instrument.RequirementChecks, requirement, ATTR_REQUIREMENT).record(1);
    if (!passed) this.counter(Instrument.RequirementFailures, requirement, ATTR_REQUIREMENT).record(1);
    this.recorded++;
  }
}

/** The call attributes the error counter carries besides its category and error.type. */
const ERROR_ATTRIBUTES = [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_SYSTEM, PROVIDER, ATTR_GEN_AI_REQUEST_MODEL] as const;
