/**
 * Environment → one frozen {@link TelemetryConfig}. Every setting is parsed here and nowhere else; the SDK side
 * (src/sdk/) only reads the resulting object.
 *
 * Precedence, for every setting (highest first):
 *   1. explicit options of `configureTelemetry()` (tracerProvider, application, backend, flushOnExit, flushTimeoutMs)
 *   2. the signal-specific variable (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `_TRACES_HEADERS`, `_TRACES_TIMEOUT`,
 *      `_TRACES_PROTOCOL`)
 *   3. the general variable (`OTEL_EXPORTER_OTLP_ENDPOINT`, `_HEADERS`, `_TIMEOUT`, `_PROTOCOL`); for
 *      `service.name`: `OTEL_SERVICE_NAME` before the `service.name` entry of `OTEL_RESOURCE_ATTRIBUTES`
 *   4. the default listed in {@link DEFAULTS}.
 * A malformed value never throws: it gets one warning naming the variable and the value used instead (header
 * values are never printed — they usually carry API keys).
 */
import { ATTR_SERVICE_NAME } from './semconv';
import { warnOnce } from './warnings';

/** The environment variables this package reads. */
export const ENV = {
  application: 'MELLEA_TRACE_APPLICATION',
  backend: 'MELLEA_TRACE_BACKEND',
  console: 'MELLEA_TRACE_CONSOLE',
  content: 'MELLEA_TRACE_CONTENT',
  flushOnExit: 'MELLEA_TRACE_FLUSH_ON_EXIT',
  flushTimeout: 'MELLEA_TRACE_FLUSH_TIMEOUT',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otlpHeaders: 'OTEL_EXPORTER_OTLP_HEADERS',
  otlpTracesHeaders: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  otlpTimeout: 'OTEL_EXPORTER_OTLP_TIMEOUT',
  otlpTracesTimeout: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  otlpProtocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  otlpTracesProtocol: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  sampler: 'OTEL_TRACES_SAMPLER',
  samplerArg: 'OTEL_TRACES_SAMPLER_ARG',
  bspScheduleDelay: 'OTEL_BSP_SCHEDULE_DELAY',
  bspExportTimeout: 'OTEL_BSP_EXPORT_TIMEOUT',
  bspMaxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  bspMaxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
} as const;

export const DEFAULT_SERVICE_NAME = 'mellea';

/** Defaults of the numeric and enumerated settings (OpenTelemetry's, except the flush bound). */
export const DEFAULTS = {
  otlpProtocol: 'grpc',
  otlpTimeoutMs: 10_000,
  sampler: 'parentbased_always_on',
  samplerRatio: 1,
  scheduledDelayMillis: 5_000,
  exportTimeoutMillis: 30_000,
  maxQueueSize: 2_048,
  maxExportBatchSize: 512,
  flushTimeoutMs: 5_000,
} as const;

/** OTLP transports this package can export with. */
export type OtlpProtocol = 'grpc' | 'http/protobuf';
const PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf'];

/** `OTEL_TRACES_SAMPLER` values this package understands (the OpenTelemetry SDK's built-in samplers). */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

/** Batch span processor settings (`OTEL_BSP_*`). */
export interface BatchSettings {
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

/** The telemetry configuration, read from the environment once and frozen. */
export interface TelemetryConfig {
  /** `MELLEA_TRACE_APPLICATION`: application spans (`mellea.application`). Default false. */
  readonly application: boolean;
  /** `MELLEA_TRACE_BACKEND`: backend spans (`mellea.backend`). Default false. */
  readonly backend: boolean;
  /** `MELLEA_TRACE_CONSOLE`: print finished spans to stdout. Default false. */
  readonly console: boolean;
  /** `MELLEA_TRACE_CONTENT`: record the `response` attribute. Default true. */
  readonly content: boolean;
  /**
   * The URL spans are exported to: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT`
   * (with `/v1/traces` appended for `http/protobuf`, as the OTLP specification says). Unset: no OTLP export.
   */
  readonly otlpEndpoint: string | undefined;
  /** `OTEL_SERVICE_NAME`: the `service.name` resource attribute. Default `mellea`. */
  readonly serviceName: string;
  /** `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`: `grpc` (default) or `http/protobuf`. */
  readonly otlpProtocol: OtlpProtocol;
  /** `OTEL_EXPORTER_OTLP_HEADERS` merged with `_TRACES_HEADERS` (which wins per key). Values print as `[redacted]`. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT`: how long one export may take, in ms. Default 10000. */
  readonly otlpTimeoutMs: number;
  /** `OTEL_RESOURCE_ATTRIBUTES` (`key=value,...`), without `service.name` (see {@link serviceName}). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`. Default `parentbased_always_on`, ratio 1. */
  readonly sampler: { readonly name: SamplerName; readonly ratio: number };
  /** `OTEL_BSP_*`: the batch processor in front of the OTLP exporter. */
  readonly batch: BatchSettings;
  /** `MELLEA_TRACE_FLUSH_ON_EXIT`: flush pending spans on `beforeExit`, SIGINT and SIGTERM. Default true. */
  readonly flushOnExit: boolean;
  /** `MELLEA_TRACE_FLUSH_TIMEOUT`: upper bound (ms) of a flush or shutdown, including the exit flush. Default 5000. */
  readonly flushTimeoutMs: number;
  /** `MELLEA_METRICS_*`: the GenAI and Mellea metrics (off by default). */
  readonly metrics: MetricsConfig;
  /** `OTEL_SEMCONV_STABILITY_OPT_IN` contains `gen_ai_latest_experimental`: backend spans use the latest GenAI conventions. */
  readonly genAiLatestConventions: boolean;
}

/** Settings given in code; they take precedence over the environment. */
export interface TelemetryOverrides extends MetricsOverrides {
  application?: boolean;
  backend?: boolean;
  flushOnExit?: boolean;
  flushTimeoutMs?: number;
}

const TRUE_VALUES = new Set(['true', '1', 'yes']);
const FALSE_VALUES = new Set(['false', '0', 'no', '']);

/** A value quoted for a warning: short, single line. */
const quote = (raw: string): string => JSON.stringify(raw.slice(0, 200));

/**
 * Parses a boolean environment variable: `true`/`1`/`yes` (any case, spaces ignored) are true;
 * `false`/`0`/`no`/empty are false; unset gives `fallback`; anything else is false plus one warning.
 */
export function parseBooleanEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  if (TRUE_VALUES.has(value)) return true;
  if (FALSE_VALUES.has(value)) return false;
  warnOnce(
    `${name}:invalid`,
    `${name}=${JSON.stringify(raw.slice(0, 40))} is not a recognised value; ` +
      `accepted: true, 1, yes (on) or false, 0, no, empty (off), in any case. Using false.`,
  );
  return false;
}

/** The first of `names` that is set to a non-blank value, with its name. */
function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; raw: string } | undefined {
  for (const name of names) {
    const raw = env[name]?.trim();
    if (raw) return { name, raw };
  }
  return undefined;
}

/** A whole number of milliseconds ≥ `min`; anything else warns and gives `fallback`. */
function parseInteger(env: NodeJS.ProcessEnv, names: readonly string[], fallback: number, min: number): number {
  const found = firstSet(env, names);
  if (found === undefined) return fallback;
  const value = Number(found.raw);
  if (Number.isInteger(value) && value >= min) return value;
  warnOnce(
    `${found.name}:invalid`,
    `${found.name}=${quote(found.raw)} is not a whole number ≥ ${min}. Using ${fallback}.`,
  );
  return fallback;
}

function parseProtocol(env: NodeJS.ProcessEnv): OtlpProtocol {
  const found = firstSet(env, [ENV.otlpTracesProtocol, ENV.otlpProtocol]);
  if (found === undefined) return DEFAULTS.otlpProtocol;
  const value = found.raw.toLowerCase();
  if ((PROTOCOLS as readonly string[]).includes(value)) return value as OtlpProtocol;
  warnOnce(
    `${found.name}:invalid`,
    `${found.name}=${quote(found.raw)} is not supported (supported: ${PROTOCOLS.join(', ')}). Using ${DEFAULTS.otlpProtocol}.`,
  );
  return DEFAULTS.otlpProtocol;
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function parseEndpoint(env: NodeJS.ProcessEnv, protocol: OtlpProtocol): string | undefined {
  const found = firstSet(env, [ENV.otlpTracesEndpoint, ENV.otlpEndpoint]);
  if (found === undefined) return undefined;
  if (!isHttpUrl(found.raw)) {
    warnOnce(
      `${found.name}:invalid`,
      `${found.name}=${quote(found.raw)} is not an http(s) URL (for example http://localhost:4317). ` +
        `Using no endpoint: OTLP export is off.`,
    );
    return undefined;
  }
  // The general endpoint is a base URL; for OTLP/HTTP the signal path is appended (OTLP exporter specification).
  if (protocol === 'http/protobuf' && found.name === ENV.otlpEndpoint)
    return `${found.raw.replace(/\/+$/, '')}/v1/traces`;
  return found.raw;
}

const REDACTED_VIEW = Symbol.for('nodejs.util.inspect.custom');

/** Freezes a header map whose values never show up in `console.log`, `util.inspect` or `JSON.stringify`. */
function redactedHeaders(headers: Record<string, string>): Readonly<Record<string, string>> {
  const view = (): Record<string, string> => Object.fromEntries(Object.keys(headers).map((key) => [key, '[redacted]']));
  Object.defineProperty(headers, 'toJSON', { value: view, enumerable: false });
  Object.defineProperty(headers, REDACTED_VIEW, { value: view, enumerable: false });
  return Object.freeze(headers);
}

/**
 * Parses a W3C-baggage-like `key=value,key2=value2` list (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES),
 * percent-decoding keys and values. Malformed entries are skipped with one warning that names the variable and
 * the entry's position — never its value when `secret`.
 */
function parseKeyValueList(env: NodeJS.ProcessEnv, name: string, secret: boolean, into: Record<string, string>): void {
  const raw = env[name]?.trim();
  if (!raw) return;
  const skipped: string[] = [];
  raw.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    let key: string | undefined;
    let value: string | undefined;
    if (eq > 0) {
      try {
        key = decodeURIComponent(entry.slice(0, eq).trim());
        value = decodeURIComponent(entry.slice(eq + 1).trim());
      } catch {
        key = undefined;
      }
    }
    if (key) into[key] = value ?? '';
    else skipped.push(secret ? `entry ${index + 1}` : quote(entry));
  });
  if (skipped.length > 0) {
    warnOnce(
      `${name}:invalid`,
      `${name} has malformed entries (${skipped.join(', ')}); expected key=value pairs separated by commas, ` +
        `percent-encoded. Using the other ${Object.keys(into).length} entries.`,
    );
  }
}

function parseSampler(env: NodeJS.ProcessEnv): TelemetryConfig['sampler'] {
  let name: SamplerName = DEFAULTS.sampler;
  const found = firstSet(env, [ENV.sampler]);
  if (found !== undefined) {
    const value = found.raw.toLowerCase();
    if ((SAMPLERS as readonly string[]).includes(value)) name = value as SamplerName;
    else {
      warnOnce(
        `${ENV.sampler}:invalid`,
        `${ENV.sampler}=${quote(found.raw)} is not supported (supported: ${SAMPLERS.join(', ')}). Using ${DEFAULTS.sampler}.`,
      );
    }
  }
  let ratio: number = DEFAULTS.samplerRatio;
  const arg = firstSet(env, [ENV.samplerArg]);
  if (arg !== undefined && name.endsWith('traceidratio')) {
    const value = Number(arg.raw);
    if (Number.isFinite(value) && value >= 0 && value <= 1) ratio = value;
    else {
      warnOnce(
        `${ENV.samplerArg}:invalid`,
        `${ENV.samplerArg}=${quote(arg.raw)} is not a ratio between 0 and 1. Using ${DEFAULTS.samplerRatio}.`,
      );
    }
  }
  return Object.freeze({ name, ratio });
}

function parseBatch(env: NodeJS.ProcessEnv): BatchSettings {
  const maxQueueSize = parseInteger(env, [ENV.bspMaxQueueSize], DEFAULTS.maxQueueSize, 1);
  let maxExportBatchSize = parseInteger(env, [ENV.bspMaxExportBatchSize], DEFAULTS.maxExportBatchSize, 1);
  if (maxExportBatchSize > maxQueueSize) {
    // Only a warning when the user set the batch size; the default simply follows a small queue.
    if (env[ENV.bspMaxExportBatchSize]?.trim()) {
      warnOnce(
        `${ENV.bspMaxExportBatchSize}:invalid`,
        `${ENV.bspMaxExportBatchSize}=${maxExportBatchSize} is larger than ${ENV.bspMaxQueueSize}=${maxQueueSize}. ` +
          `Using ${maxQueueSize}.`,
      );
    }
    maxExportBatchSize = maxQueueSize;
  }
  return Object.freeze({
    scheduledDelayMillis: parseInteger(env, [ENV.bspScheduleDelay], DEFAULTS.scheduledDelayMillis, 0),
    exportTimeoutMillis: parseInteger(env, [ENV.bspExportTimeout], DEFAULTS.exportTimeoutMillis, 1),
    maxQueueSize,
    maxExportBatchSize,
  });
}

/**
 * Reads the configuration from an environment (default: `process.env`), with `overrides` from code taking
 * precedence. Pure apart from warnings; the result is frozen.
 *
 * @example
 * readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' }).otlpEndpoint; // 'http://collector:4317'
 */
export function readTelemetryConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: TelemetryOverrides = {},
): TelemetryConfig {
  const metrics = readMetricsConfig(env, overrides);
  const genAiLatestConventions = parseSemconvOptIn(env, overrides);
  env = withTraceAliases(env);
  const otlpProtocol = parseProtocol(env);
  const otlpHeaders: Record<string, string> = {};
  parseKeyValueList(env, ENV.otlpHeaders, true, otlpHeaders);
  parseKeyValueList(env, ENV.otlpTracesHeaders, true, otlpHeaders);
  const resourceAttributes: Record<string, string> = {};
  parseKeyValueList(env, ENV.resourceAttributes, false, resourceAttributes);
  const serviceName = env[ENV.serviceName]?.trim() || resourceAttributes[ATTR_SERVICE_NAME] || DEFAULT_SERVICE_NAME;
  delete resourceAttributes[ATTR_SERVICE_NAME];
  return Object.freeze({
    application: overrides.application ?? parseBooleanEnv(env, ENV.application, false),
    backend: overrides.backend ?? parseBooleanEnv(env, ENV.backend, false),
    console: parseBooleanEnv(env, ENV.console, false),
    content: parseBooleanEnv(env, ENV.content, true),
    otlpEndpoint: parseEndpoint(env, otlpProtocol),
    serviceName,
    otlpProtocol,
    otlpHeaders: redactedHeaders(otlpHeaders),
    otlpTimeoutMs: parseInteger(env, [ENV.otlpTracesTimeout, ENV.otlpTimeout], DEFAULTS.otlpTimeoutMs, 1),
    resourceAttributes: Object.freeze(resourceAttributes),
    sampler: parseSampler(env),
    batch: parseBatch(env),
    flushOnExit: overrides.flushOnExit ?? parseBooleanEnv(env, ENV.flushOnExit, true),
    flushTimeoutMs: overrides.flushTimeoutMs ?? parseInteger(env, [ENV.flushTimeout], DEFAULTS.flushTimeoutMs, 1),
    metrics,
    genAiLatestConventions,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics, the GenAI conventions opt-in and Mellea's newer variable names (issue 11).
// ---------------------------------------------------------------------------------------------------------------

/** The metrics variables, `OTEL_SEMCONV_STABILITY_OPT_IN`, and Mellea's newer `MELLEA_TRACES_*` aliases. */
export const METRICS_ENV = {
  enabled: 'MELLEA_METRICS_ENABLED',
  console: 'MELLEA_METRICS_CONSOLE',
  otlp: 'MELLEA_METRICS_OTLP',
  prometheus: 'MELLEA_METRICS_PROMETHEUS',
  prometheusPort: 'MELLEA_METRICS_PROMETHEUS_PORT',
  exportInterval: 'OTEL_METRIC_EXPORT_INTERVAL',
  otlpMetricsEndpoint: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  otlpMetricsHeaders: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  otlpMetricsTimeout: 'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
  otlpMetricsProtocol: 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  semconvOptIn: 'OTEL_SEMCONV_STABILITY_OPT_IN',
  tracesEnabled: 'MELLEA_TRACES_ENABLED',
  tracesConsole: 'MELLEA_TRACES_CONSOLE',
  tracesContent: 'MELLEA_TRACES_CONTENT',
  tracesOtlp: 'MELLEA_TRACES_OTLP',
} as const;

/** Defaults of the metrics settings. */
export const METRICS_DEFAULTS = {
  exportIntervalMs: 60_000,
  prometheusPort: 9464,
} as const;

/**
 * The `OTEL_SEMCONV_STABILITY_OPT_IN` value that switches backend spans to the latest GenAI conventions.
 *
 * @example
 * process.env.OTEL_SEMCONV_STABILITY_OPT_IN = GEN_AI_LATEST_EXPERIMENTAL;
 * reloadTelemetryConfig().genAiLatestConventions; // true
 */
export const GEN_AI_LATEST_EXPERIMENTAL = 'gen_ai_latest_experimental';

/** GenAI metrics settings (`MELLEA_METRICS_*`). */
export interface MetricsConfig {
  /** `MELLEA_METRICS_ENABLED`: record the GenAI and Mellea metrics. Default false. */
  readonly enabled: boolean;
  /** `MELLEA_METRICS_CONSOLE`: print the metrics to stdout at each export interval and at exit. Default false. */
  readonly console: boolean;
  /**
   * `MELLEA_METRICS_OTLP`: the URL metrics are exported to — `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` as is, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/metrics` for `http/protobuf`). Undefined: no OTLP export.
   */
  readonly otlpEndpoint: string | undefined;
  /** `OTEL_EXPORTER_OTLP_(METRICS_)PROTOCOL`: `grpc` (default) or `http/protobuf`. */
  readonly otlpProtocol: OtlpProtocol;
  /** `OTEL_EXPORTER_OTLP_HEADERS` merged with `_METRICS_HEADERS` (which wins per key). Values print as `[redacted]`. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** `OTEL_EXPORTER_OTLP_(METRICS_)TIMEOUT`, in ms. Default 10000. */
  readonly otlpTimeoutMs: number;
  /** `MELLEA_METRICS_PROMETHEUS_PORT` when `MELLEA_METRICS_PROMETHEUS` is on (default 9464); else undefined. */
  readonly prometheusPort: number | undefined;
  /** `OTEL_METRIC_EXPORT_INTERVAL`: ms between exports of the console and OTLP readers. Default 60000. */
  readonly exportIntervalMs: number;
}

/** Settings of the metrics and conventions given in code (`configureTelemetry`); they win over the environment. */
export interface MetricsOverrides {
  /** Record metrics (overrides `MELLEA_METRICS_ENABLED`). */
  metrics?: boolean;
  /** Emit the latest GenAI conventions on backend spans (overrides `OTEL_SEMCONV_STABILITY_OPT_IN`). */
  genAiLatestConventions?: boolean;
}

/**
 * `MELLEA_TRACES_*` (Python Mellea's newer names) as aliases of `MELLEA_TRACE_*`: an environment in which each
 * alias fills its seed variable only when that one is unset — the seed name wins when both are set.
 * `MELLEA_TRACES_OTLP=false` turns OTLP span export off although an endpoint is set (the endpoint may be there
 * for metrics); `true` without any endpoint warns once.
 */
export function withTraceAliases(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const aliased = [
    [METRICS_ENV.tracesEnabled, ENV.application],
    [METRICS_ENV.tracesEnabled, ENV.backend],
    [METRICS_ENV.tracesConsole, ENV.console],
    [METRICS_ENV.tracesContent, ENV.content],
  ] as const;
  if (!aliased.some(([alias]) => env[alias] !== undefined) && env[METRICS_ENV.tracesOtlp] === undefined) return env;
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [alias, seed] of aliased) if (out[seed] === undefined && env[alias] !== undefined) out[seed] = env[alias];
  if (env[METRICS_ENV.tracesOtlp] !== undefined) {
    const otlp = parseBooleanEnv(env, METRICS_ENV.tracesOtlp, false);
    if (!otlp) {
      delete out[ENV.otlpTracesEndpoint];
      delete out[ENV.otlpEndpoint];
    } else if (firstSet(env, [ENV.otlpTracesEndpoint, ENV.otlpEndpoint]) === undefined) {
      warnOnce(
        `${METRICS_ENV.tracesOtlp}:no-endpoint`,
        `${METRICS_ENV.tracesOtlp} is on but neither ${ENV.otlpTracesEndpoint} nor ${ENV.otlpEndpoint} is set; ` +
          `spans are not exported over OTLP.`,
      );
    }
  }
  return out;
}

/** Whether `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma-separated list) contains `gen_ai_latest_experimental`. */
export function parseSemconvOptIn(env: NodeJS.ProcessEnv, overrides: MetricsOverrides = {}): boolean {
  if (overrides.genAiLatestConventions !== undefined) return overrides.genAiLatestConventions;
  const raw = env[METRICS_ENV.semconvOptIn];
  if (raw === undefined) return false;
  return raw.split(',').some((entry) => entry.trim().toLowerCase() === GEN_AI_LATEST_EXPERIMENTAL);
}

function parseMetricsProtocol(env: NodeJS.ProcessEnv): OtlpProtocol {
  const found = firstSet(env, [METRICS_ENV.otlpMetricsProtocol, ENV.otlpProtocol]);
  if (found === undefined) return DEFAULTS.otlpProtocol;
  const value = found.raw.toLowerCase();
  if ((PROTOCOLS as readonly string[]).includes(value)) return value as OtlpProtocol;
  warnOnce(
    `${found.name}:invalid`,
    `${found.name}=${quote(found.raw)} is not supported (supported: ${PROTOCOLS.join(', ')}). Using ${DEFAULTS.otlpProtocol}.`,
  );
  return DEFAULTS.otlpProtocol;
}

function parseMetricsEndpoint(env: NodeJS.ProcessEnv, protocol: OtlpProtocol): string | undefined {
  const found = firstSet(env, [METRICS_ENV.otlpMetricsEndpoint, ENV.otlpEndpoint]);
  if (found === undefined) {
    warnOnce(
      `${METRICS_ENV.otlp}:no-endpoint`,
      `${METRICS_ENV.otlp} is on but neither ${METRICS_ENV.otlpMetricsEndpoint} nor ${ENV.otlpEndpoint} is set; ` +
        `metrics are not exported over OTLP.`,
    );
    return undefined;
  }
  if (!isHttpUrl(found.raw)) {
    warnOnce(
      `${found.name}:invalid`,
      `${found.name}=${quote(found.raw)} is not an http(s) URL (for example http://localhost:4317). ` +
        `Metrics are not exported over OTLP.`,
    );
    return undefined;
  }
  if (protocol === 'http/protobuf' && found.name === ENV.otlpEndpoint)
    return `${found.raw.replace(/\/+$/, '')}/v1/metrics`;
  return found.raw;
}

/** Reads the `MELLEA_METRICS_*` settings (frozen). Nothing is parsed beyond the switch while metrics are off. */
export function readMetricsConfig(env: NodeJS.ProcessEnv, overrides: MetricsOverrides = {}): MetricsConfig {
  const enabled = overrides.metrics ?? parseBooleanEnv(env, METRICS_ENV.enabled, false);
  if (!enabled) {
    return Object.freeze({
      enabled,
      console: false,
      otlpEndpoint: undefined,
      otlpProtocol: DEFAULTS.otlpProtocol,
      otlpHeaders: redactedHeaders({}),
      otlpTimeoutMs: DEFAULTS.otlpTimeoutMs,
      prometheusPort: undefined,
      exportIntervalMs: METRICS_DEFAULTS.exportIntervalMs,
    });
  }
  const otlpProtocol = parseMetricsProtocol(env);
  const otlpHeaders: Record<string, string> = {};
  parseKeyValueList(env, ENV.otlpHeaders, true, otlpHeaders);
  parseKeyValueList(env, METRICS_ENV.otlpMetricsHeaders, true, otlpHeaders);
  const prometheus = parseBooleanEnv(env, METRICS_ENV.prometheus, false);
  return Object.freeze({
    enabled,
    console: parseBooleanEnv(env, METRICS_ENV.console, false),
    otlpEndpoint: parseBooleanEnv(env, METRICS_ENV.otlp, false) ? parseMetricsEndpoint(env, otlpProtocol) : undefined,
    otlpProtocol,
    otlpHeaders: redactedHeaders(otlpHeaders),
    otlpTimeoutMs: parseInteger(env, [METRICS_ENV.otlpMetricsTimeout, ENV.otlpTimeout], DEFAULTS.otlpTimeoutMs, 1),
    prometheusPort: prometheus
      ? parseInteger(env, [METRICS_ENV.prometheusPort], METRICS_DEFAULTS.prometheusPort, 0)
      : undefined,
    exportIntervalMs: parseInteger(env, [METRICS_ENV.exportInterval], METRICS_DEFAULTS.exportIntervalMs, 1),
  });
}
