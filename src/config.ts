/**
 * Options from code + environment → one frozen {@link TelemetryConfig}. Every setting is parsed here and nowhere
 * else; the SDK side (src/sdk/) only reads the resulting object.
 *
 * Precedence, for every setting (highest first):
 *   1. the option of `configureTelemetry()` ({@link TelemetryOverrides}; validated by src/config-options.ts — a
 *      bad option is a programming error and throws a TypeError/RangeError naming it). `otlpHeaders` and
 *      `resourceAttributes` are merged per key over the environment's; every other option replaces its variable.
 *   2. the signal-specific variable (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `_TRACES_HEADERS`, `_TRACES_TIMEOUT`,
 *      `_TRACES_PROTOCOL`) — when it is set AND valid; a malformed one falls back to the general variable, as the
 *      OTLP exporter specification says
 *   3. the general variable (`OTEL_EXPORTER_OTLP_ENDPOINT`, `_HEADERS`, `_TIMEOUT`, `_PROTOCOL`); for
 *      `service.name`: `OTEL_SERVICE_NAME` before the `service.name` entry of `OTEL_RESOURCE_ATTRIBUTES`
 *   4. the default listed in {@link DEFAULTS}.
 * A malformed environment value never throws: it gets one warning naming the variable and the value used instead.
 * A whole number outside {@link BOUNDS} is clamped to the nearest bound, with one warning. Header values are never
 * printed (they usually carry API keys); URLs are printed without userinfo and query string (src/printable-url.ts).
 *
 * Adding a setting: a field in {@link TelemetryConfig}, its option in {@link TelemetryOverrides}, its check in
 * src/config-options.ts (the compiler insists), its variable in {@link ENV}, one line in `readTelemetryConfig`.
 */
import { checkTelemetryOverrides } from './config-options';
import { headerProblem, quoteKey } from './header-rules';
import { printableUrl } from './printable-url';
import { ATTR_SERVICE_NAME, CONTENT_MAX_CODE_POINTS } from './semconv';
import {
  BOUNDS,
  COMPRESSIONS,
  isHttpUrl,
  type OtlpCompression,
  type OtlpProtocol,
  type OtlpTlsFiles,
  PROTOCOLS,
  SAMPLERS,
  type SamplerName,
  type SettingBounds,
} from './setting-rules';
import { warnOnce } from './warnings';

// Where the public API has always found them.
export type { OtlpCompression, OtlpProtocol, OtlpTlsFiles, SamplerName } from './setting-rules';

/** The environment variables this package reads. */
export const ENV = {
  application: 'MELLEA_TRACE_APPLICATION',
  backend: 'MELLEA_TRACE_BACKEND',
  console: 'MELLEA_TRACE_CONSOLE',
  content: 'MELLEA_TRACE_CONTENT',
  flushOnExit: 'MELLEA_TRACE_FLUSH_ON_EXIT',
  flushTimeout: 'MELLEA_TRACE_FLUSH_TIMEOUT',
  traceFile: 'MELLEA_TRACE_FILE',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otlpHeaders: 'OTEL_EXPORTER_OTLP_HEADERS',
  otlpTracesHeaders: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  otlpTimeout: 'OTEL_EXPORTER_OTLP_TIMEOUT',
  otlpTracesTimeout: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  otlpProtocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  otlpTracesProtocol: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  otlpCompression: 'OTEL_EXPORTER_OTLP_COMPRESSION',
  otlpTracesCompression: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
  otlpCertificate: 'OTEL_EXPORTER_OTLP_CERTIFICATE',
  otlpTracesCertificate: 'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE',
  otlpClientKey: 'OTEL_EXPORTER_OTLP_CLIENT_KEY',
  otlpTracesClientKey: 'OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY',
  otlpClientCertificate: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  otlpTracesClientCertificate: 'OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE',
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  sampler: 'OTEL_TRACES_SAMPLER',
  samplerArg: 'OTEL_TRACES_SAMPLER_ARG',
  bspScheduleDelay: 'OTEL_BSP_SCHEDULE_DELAY',
  bspExportTimeout: 'OTEL_BSP_EXPORT_TIMEOUT',
  bspMaxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  bspMaxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  captureMessageContent: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
  contentMaxLength: 'MELLEA_TRACE_CONTENT_MAX_LENGTH',
} as const;

/** The `service.name` used when neither an option nor the environment names the service. */
export const DEFAULT_SERVICE_NAME = 'mellea';

/** Defaults of the numeric and enumerated settings (OpenTelemetry's, except the flush bound). */
export const DEFAULTS = {
  otlpProtocol: 'grpc',
  otlpCompression: 'none',
  otlpTimeoutMs: 10_000,
  sampler: 'parentbased_always_on',
  samplerRatio: 1,
  scheduledDelayMillis: 5_000,
  exportTimeoutMillis: 30_000,
  maxQueueSize: 2_048,
  maxExportBatchSize: 512,
  flushTimeoutMs: 5_000,
  contentMaxCodePoints: CONTENT_MAX_CODE_POINTS,
} as const;

/** Batch span processor settings (`OTEL_BSP_*`). */
export interface BatchSettings {
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

/** The telemetry configuration, read from the environment (and the options in code) once, and frozen. */
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
   * The URL spans are exported to: the `otlpEndpoint` option or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (with `/v1/traces` appended for `http/protobuf`, as the OTLP specification says).
   * Unset: no OTLP export. Shown without userinfo and query string (the exporter gets the full URL).
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
  /** `OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION`: `gzip` or `none` (default) for each export request's body. */
  readonly otlpCompression: OtlpCompression;
  /**
   * PEM files for `https://` endpoints, as paths (read when the exporter is built): the CA to trust instead of the
   * system's (`OTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE`), and the client key and certificate for mutual TLS
   * (`_CLIENT_KEY`, `_CLIENT_CERTIFICATE`, used together). Empty: the system's CAs, no client certificate.
   */
  readonly otlpTls: OtlpTlsFiles;
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
  /**
   * `MELLEA_TRACE_FILE`: append finished spans to this file as JSON Lines, one OTLP/JSON `TracesData` per line
   * (the OpenTelemetry Collector `fileexporter` format). Unset: no file.
   */
  readonly traceFile: string | undefined;
  /**
   * How `MELLEA_TRACE_CONSOLE` prints: `otel` (`true`: OpenTelemetry's console exporter, one block per span) or
   * `tree` (`tree`: each finished trace once, as an indented span tree). Default `otel`.
   */
  readonly consoleFormat: ConsoleFormat;
  /**
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`: record `gen_ai.input.messages`,
   * `gen_ai.output.messages`, `gen_ai.system_instructions` and `gen_ai.tool.definitions` on backend spans.
   * Default false. Never on while `content` is false.
   */
  readonly captureMessageContent: boolean;
  /** `MELLEA_TRACE_CONTENT_MAX_LENGTH`: bound of each message attribute, in code points (≥ 256). Default 16384. */
  readonly contentMaxCodePoints: number;
  /** `MELLEA_METRICS_*`: the GenAI and Mellea metrics (off by default). */
  readonly metrics: MetricsConfig;
  /** `OTEL_SEMCONV_STABILITY_OPT_IN` contains `gen_ai_latest_experimental`: backend spans use the latest GenAI conventions. */
  readonly genAiLatestConventions: boolean;
}

/** The two console formats: OpenTelemetry's per-span output, or one span tree per finished trace. */
export type ConsoleFormat = 'otel' | 'tree';

/**
 * Settings given in code (`configureTelemetry({...})`); each takes precedence over its environment variable.
 * Leave one out (or `undefined`) to use the environment, then the default.
 */
export interface TelemetryOverrides extends MetricsOverrides {
  /** Application spans (`mellea.application`). Environment: `MELLEA_TRACE_APPLICATION`. */
  application?: boolean;
  /** Backend spans (`mellea.backend`). Environment: `MELLEA_TRACE_BACKEND`. */
  backend?: boolean;
  /** Print each finished span to stdout. Environment: `MELLEA_TRACE_CONSOLE`. */
  console?: boolean;
  /** Record the `response` attribute. Environment: `MELLEA_TRACE_CONTENT`. */
  content?: boolean;
  /** `service.name` of every span. Environment: `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /**
   * More resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES` (an option wins per key). `service.name` is
   * not allowed here: use `serviceName`.
   */
  resourceAttributes?: Readonly<Record<string, string>>;
  /**
   * The full OTLP URL, used as is (nothing appended, as `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); `null` turns OTLP
   * export off whatever the environment says. Environment: `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`.
   */
  otlpEndpoint?: string | null;
  /** `grpc` or `http/protobuf`. Environment: `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`. */
  otlpProtocol?: OtlpProtocol;
  /** Headers of every export, merged over the environment's (an option wins per key). */
  otlpHeaders?: Readonly<Record<string, string>>;
  /** How long one export may take, ms. Environment: `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT`. */
  otlpTimeoutMs?: number;
  /** `gzip` or `none`. Environment: `OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION`. */
  otlpCompression?: OtlpCompression;
  /** Path of the PEM CA bundle to trust for `https://` endpoints. Environment: `OTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE`. */
  otlpCertificate?: string;
  /** Path of the PEM client key for mutual TLS. Environment: `OTEL_EXPORTER_OTLP_(TRACES_)CLIENT_KEY`. */
  otlpClientKey?: string;
  /** Path of the PEM client certificate for mutual TLS. Environment: `OTEL_EXPORTER_OTLP_(TRACES_)CLIENT_CERTIFICATE`. */
  otlpClientCertificate?: string;
  /**
   * The sampler, by name or with its ratio (`{ name: 'traceidratio', ratio: 0.1 }`; a ratio only with the
   * `*traceidratio` samplers — left out, it comes from `OTEL_TRACES_SAMPLER_ARG`, then 1). Environment:
   * `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`.
   */
  sampler?: SamplerName | { readonly name: SamplerName; readonly ratio?: number };
  /** Batch processor settings; each field left out comes from `OTEL_BSP_*`. */
  batch?: Partial<BatchSettings>;
  /** Flush pending spans on `beforeExit`, SIGINT and SIGTERM. Environment: `MELLEA_TRACE_FLUSH_ON_EXIT`. */
  flushOnExit?: boolean;
  /** Upper bound (ms) of a flush or shutdown. Environment: `MELLEA_TRACE_FLUSH_TIMEOUT`. */
  flushTimeoutMs?: number;
  /** Append finished spans to this JSON Lines file (see {@link TelemetryConfig.traceFile}). */
  traceFile?: string;
  /** The format of the console output when it is on (see {@link TelemetryConfig.consoleFormat}). */
  consoleFormat?: ConsoleFormat;
  /** Record prompts and responses as messages (wins over OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT). */
  captureMessageContent?: boolean;
  /** Bound of each message attribute, in code points (wins over MELLEA_TRACE_CONTENT_MAX_LENGTH). */
  contentMaxCodePoints?: number;
}

const TRUE_VALUES = new Set(['true', '1', 'yes']);
const FALSE_VALUES = new Set(['false', '0', 'no', '']);

/** A value quoted for a warning: short, single line. */
const quote = (raw: string): string => JSON.stringify(raw.slice(0, 200));

/**
 * Parses a boolean environment variable: `true`/`1`/`yes` (any case, spaces ignored) are true;
 * `false`/`0`/`no`/empty are false; unset gives `fallback`; anything else is false plus one warning.
 *
 * @example
 * parseBooleanEnv({ MELLEA_TRACE_CONSOLE: 'Yes' }, 'MELLEA_TRACE_CONSOLE', false); // true
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

/** How one setting is read from its variables. */
interface Reading<T> {
  /** The value of a set variable, or undefined when it is malformed. */
  parse(raw: string, name: string): T | undefined;
  /** What a malformed value should have been, for the warning: `is not …`. */
  expected: string;
  /** How the value used is shown in the warning. */
  show?: (value: T) => string;
  /** How a malformed raw value is quoted (URLs lose their credentials first). */
  quoteRaw?: (raw: string) => string;
}

/**
 * The value of the first of `names` that is set and valid, else `fallback`. Each malformed one gets one warning
 * naming it and the value used instead — the signal-specific variable falls back to the general one.
 */
function resolve<T>(env: NodeJS.ProcessEnv, names: readonly string[], reading: Reading<T>, fallback: T): T {
  const rejected: { name: string; raw: string }[] = [];
  let value = fallback;
  let source: string | undefined;
  for (const name of names) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const parsed = reading.parse(raw, name);
    if (parsed !== undefined) {
      value = parsed;
      source = name;
      break;
    }
    rejected.push({ name, raw });
  }
  const show = reading.show ?? String;
  const quoteRaw = reading.quoteRaw ?? quote;
  for (const { name, raw } of rejected) {
    warnOnce(
      `${name}:invalid`,
      `${name}=${quoteRaw(raw)} is not ${reading.expected}. Using ${show(value)}${source ? ` (from ${source})` : ''}.`,
    );
  }
  return value;
}

/**
 * A whole number within `bounds`. Not a whole number (or negative): malformed. Outside the bounds: the nearest
 * bound, with one warning naming the variable and the value used.
 */
function wholeNumber(bounds: SettingBounds): Reading<number> {
  return {
    expected: `a whole number of ${bounds.unit} (${bounds.min}–${bounds.max})`,
    parse(raw, name) {
      const value = Number(raw);
      if (!(Number.isInteger(value) || value === Number.POSITIVE_INFINITY) || value < 0) return undefined;
      const used = Math.min(Math.max(value, bounds.min), bounds.max);
      if (used !== value) {
        const side = value > bounds.max ? `above the maximum ${bounds.max}` : `below the minimum ${bounds.min}`;
        warnOnce(`${name}:bounds`, `${name}=${quote(raw)} is ${side} ${bounds.unit}. Using ${used}.`);
      }
      return used;
    },
  };
}

function oneOf<T extends string>(values: readonly T[]): Reading<T> {
  return {
    expected: `supported (supported: ${values.join(', ')})`,
    parse: (raw) => {
      const value = raw.toLowerCase();
      return (values as readonly string[]).includes(value) ? (value as T) : undefined;
    },
  };
}

/** The TLS file paths: an option, else the traces variable, else the general one (the files are read later). */
function parseTlsFiles(env: NodeJS.ProcessEnv, overrides: TelemetryOverrides): OtlpTlsFiles {
  const path = (option: string | undefined, names: readonly string[]): string | undefined =>
    option ?? names.map((name) => env[name]?.trim()).find((value) => value !== undefined && value !== '');
  const certificate = path(overrides.otlpCertificate, [ENV.otlpTracesCertificate, ENV.otlpCertificate]);
  const clientKey = path(overrides.otlpClientKey, [ENV.otlpTracesClientKey, ENV.otlpClientKey]);
  const clientCertificate = path(overrides.otlpClientCertificate, [
    ENV.otlpTracesClientCertificate,
    ENV.otlpClientCertificate,
  ]);
  const files: { -readonly [K in keyof OtlpTlsFiles]: OtlpTlsFiles[K] } = {};
  if (certificate !== undefined) files.certificate = certificate;
  if ((clientKey === undefined) !== (clientCertificate === undefined)) {
    warnOnce(
      'otlp:client-tls:half',
      `a client key and a client certificate go together (${ENV.otlpClientKey} and ${ENV.otlpClientCertificate}, ` +
        `or their TRACES_ forms, or the otlpClientKey and otlpClientCertificate options); only one is set, so no ` +
        'client certificate is presented.',
    );
  } else if (clientKey !== undefined) {
    files.clientKey = clientKey;
    files.clientCertificate = clientCertificate;
  }
  return Object.freeze(files);
}

const NO_ENDPOINT = 'no endpoint: OTLP export is off';

function parseEndpoint(env: NodeJS.ProcessEnv, protocol: OtlpProtocol): string | undefined {
  return resolve<string | undefined>(
    env,
    [ENV.otlpTracesEndpoint, ENV.otlpEndpoint],
    {
      expected: 'an http(s) URL (for example http://localhost:4317)',
      parse(raw, name) {
        if (!isHttpUrl(raw)) return undefined;
        // The general endpoint is a base URL; for OTLP/HTTP the signal path is appended (OTLP exporter spec).
        return protocol === 'http/protobuf' && name === ENV.otlpEndpoint ? `${raw.replace(/\/+$/, '')}/v1/traces` : raw;
      },
      show: (url) => (url === undefined ? NO_ENDPOINT : printableUrl(url)),
      quoteRaw: (raw) => quote(printableUrl(raw)),
    },
    undefined,
  );
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

/**
 * One header list of the environment, without the headers an export cannot carry: each of those is left out
 * with one warning naming the variable and the header KEY (never the value). Export stays on.
 */
function parseHeaderList(env: NodeJS.ProcessEnv, name: string, protocol: OtlpProtocol): Record<string, string> {
  const headers: Record<string, string> = {};
  parseKeyValueList(env, name, true, headers);
  for (const [key, value] of Object.entries(headers)) {
    const problem = headerProblem(key, value, protocol);
    if (problem === undefined) continue;
    delete headers[key];
    warnOnce(
      `${name}:header:${key}`,
      `${name}: header ${quoteKey(key)} ${problem}; it is left out of the ${protocol} export (the other headers ` +
        `are sent${name === ENV.otlpTracesHeaders ? `, and ${ENV.otlpHeaders}'s value for it, if any` : ''}).`,
    );
  }
  return headers;
}

/**
 * The sampler: its name from the option, else `OTEL_TRACES_SAMPLER`; its ratio (ratio samplers only) from the
 * option, else `OTEL_TRACES_SAMPLER_ARG` — two settings, each with its own precedence.
 */
function parseSampler(env: NodeJS.ProcessEnv, option: TelemetryOverrides['sampler']): TelemetryConfig['sampler'] {
  const given = typeof option === 'string' ? { name: option, ratio: undefined } : option;
  const name = given?.name ?? resolve(env, [ENV.sampler], oneOf(SAMPLERS), DEFAULTS.sampler as SamplerName);
  if (!name.endsWith('traceidratio')) return Object.freeze({ name, ratio: DEFAULTS.samplerRatio });
  const ratio =
    given?.ratio ??
    resolve<number>(
      env,
      [ENV.samplerArg],
      {
        expected: 'a ratio between 0 and 1',
        parse: (raw) => {
          const value = Number(raw);
          return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
        },
      },
      DEFAULTS.samplerRatio,
    );
  return Object.freeze({ name, ratio });
}

function parseBatch(env: NodeJS.ProcessEnv, option: Partial<BatchSettings> = {}): BatchSettings {
  const read = (key: keyof BatchSettings, name: string): number =>
    option[key] ?? resolve(env, [name], wholeNumber(BOUNDS[key]), DEFAULTS[key]);
  const maxQueueSize = read('maxQueueSize', ENV.bspMaxQueueSize);
  let maxExportBatchSize = read('maxExportBatchSize', ENV.bspMaxExportBatchSize);
  if (maxExportBatchSize > maxQueueSize) {
    // Only a warning when the user set the batch size; the default simply follows a small queue. (Both given as
    // options is rejected by the option checks.)
    if (option.maxExportBatchSize !== undefined || env[ENV.bspMaxExportBatchSize]?.trim()) {
      const batchSource =
        option.maxExportBatchSize === undefined ? ENV.bspMaxExportBatchSize : 'the batch.maxExportBatchSize option';
      const queueSource = option.maxQueueSize === undefined ? ENV.bspMaxQueueSize : 'the batch.maxQueueSize option';
      warnOnce(
        `${ENV.bspMaxExportBatchSize}:invalid`,
        `${batchSource}=${maxExportBatchSize} is larger than ${queueSource}=${maxQueueSize}. Using ${maxQueueSize}.`,
      );
    }
    maxExportBatchSize = maxQueueSize;
  }
  return Object.freeze({
    scheduledDelayMillis: read('scheduledDelayMillis', ENV.bspScheduleDelay),
    exportTimeoutMillis: read('exportTimeoutMillis', ENV.bspExportTimeout),
    maxQueueSize,
    maxExportBatchSize,
  });
}

/** `MELLEA_TRACE_CONSOLE=tree` (any case): console output on, as one span tree per trace. */
function isTreeConsole(env: NodeJS.ProcessEnv): boolean {
  return env[ENV.console]?.trim().toLowerCase() === 'tree';
}

/** The full export URL of each config (with userinfo and query), kept out of the object the application sees. */
const exportUrls = new WeakMap<TelemetryConfig, string>();

/**
 * `config` as the SDK side needs it: `otlpEndpoint` the full URL the exporter sends to, userinfo and query string
 * included. Internal (src/sdk/ only): never hand the result to the application.
 */
export function exporterConfig(config: TelemetryConfig): TelemetryConfig {
  const url = exportUrls.get(config);
  return url === undefined || url === config.otlpEndpoint ? config : Object.freeze({ ...config, otlpEndpoint: url });
}

const CAPTURE_ON = new Set(['true', '1', 'yes', 'span_only']);
const CAPTURE_OFF = new Set(['false', '0', 'no', '', 'none']);

/**
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`: `true`/`1`/`yes`/`span_only` record messages on spans;
 * `false`/`0`/`no`/`none`/empty do not. `span_and_event` records the span attributes (events are not
 * emitted) and `event_only` records nothing, each with one warning; anything else is off plus one warning.
 */
function parseCaptureMode(env: NodeJS.ProcessEnv): boolean {
  const name = ENV.captureMessageContent;
  const raw = env[name];
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (CAPTURE_ON.has(value)) return true;
  if (CAPTURE_OFF.has(value)) return false;
  const events = value === 'span_and_event' || value === 'event_only';
  warnOnce(
    `${name}:invalid`,
    events
      ? `${name}=${quote(raw)}: events are not emitted by this package; ` +
          (value === 'span_and_event' ? 'recording messages on spans only (span_only).' : 'recording no messages.')
      : `${name}=${quote(raw)} is not a recognised value; accepted: true, span_only (on) or false, none (off). Using false.`,
  );
  return value === 'span_and_event';
}

/**
 * Reads the configuration from an environment (default: `process.env`), with `overrides` from code taking
 * precedence (see the module comment for the whole order). Pure apart from warnings; the result is frozen.
 * Throws a TypeError or RangeError naming the option when an override is invalid; an environment value only warns.
 *
 * @example
 * readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' }).otlpEndpoint; // 'http://collector:4317'
 * readTelemetryConfig({ MELLEA_TRACE_CONSOLE: 'false' }, { console: true }).console;        // true
 */
export function readTelemetryConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: TelemetryOverrides = {},
): TelemetryConfig {
  const metrics = readMetricsConfig(env, overrides);
  const genAiLatestConventions = parseSemconvOptIn(env, overrides);
  env = withTraceAliases(env);
  checkTelemetryOverrides(overrides);
  const otlpProtocol =
    overrides.otlpProtocol ??
    resolve(env, [ENV.otlpTracesProtocol, ENV.otlpProtocol], oneOf(PROTOCOLS), DEFAULTS.otlpProtocol as OtlpProtocol);
  const otlpHeaders = {
    ...parseHeaderList(env, ENV.otlpHeaders, otlpProtocol),
    ...parseHeaderList(env, ENV.otlpTracesHeaders, otlpProtocol),
    ...overrides.otlpHeaders,
  };
  const resourceAttributes: Record<string, string> = {};
  parseKeyValueList(env, ENV.resourceAttributes, false, resourceAttributes);
  const serviceName =
    overrides.serviceName ??
    (env[ENV.serviceName]?.trim() || resourceAttributes[ATTR_SERVICE_NAME] || DEFAULT_SERVICE_NAME);
  delete resourceAttributes[ATTR_SERVICE_NAME];
  Object.assign(resourceAttributes, overrides.resourceAttributes);
  const exportUrl =
    overrides.otlpEndpoint === null ? undefined : (overrides.otlpEndpoint ?? parseEndpoint(env, otlpProtocol));
  const config: TelemetryConfig = Object.freeze({
    application: overrides.application ?? parseBooleanEnv(env, ENV.application, false),
    backend: overrides.backend ?? parseBooleanEnv(env, ENV.backend, false),
    console: overrides.console ?? (isTreeConsole(env) || parseBooleanEnv(env, ENV.console, false)),
    content: overrides.content ?? parseBooleanEnv(env, ENV.content, true),
    otlpEndpoint: exportUrl === undefined ? undefined : printableUrl(exportUrl),
    serviceName,
    otlpProtocol,
    otlpHeaders: redactedHeaders(otlpHeaders),
    otlpTimeoutMs:
      overrides.otlpTimeoutMs ??
      resolve(env, [ENV.otlpTracesTimeout, ENV.otlpTimeout], wholeNumber(BOUNDS.otlpTimeoutMs), DEFAULTS.otlpTimeoutMs),
    otlpCompression:
      overrides.otlpCompression ??
      resolve(
        env,
        [ENV.otlpTracesCompression, ENV.otlpCompression],
        oneOf(COMPRESSIONS),
        DEFAULTS.otlpCompression as OtlpCompression,
      ),
    otlpTls: parseTlsFiles(env, overrides),
    resourceAttributes: Object.freeze(resourceAttributes),
    sampler: parseSampler(env, overrides.sampler),
    batch: parseBatch(env, overrides.batch),
    flushOnExit: overrides.flushOnExit ?? parseBooleanEnv(env, ENV.flushOnExit, true),
    flushTimeoutMs:
      overrides.flushTimeoutMs ??
      resolve(env, [ENV.flushTimeout], wholeNumber(BOUNDS.flushTimeoutMs), DEFAULTS.flushTimeoutMs),
    traceFile: overrides.traceFile ?? (env[ENV.traceFile]?.trim() || undefined),
    consoleFormat: overrides.consoleFormat ?? (isTreeConsole(env) ? 'tree' : 'otel'),
    captureMessageContent: overrides.captureMessageContent ?? parseCaptureMode(env),
    contentMaxCodePoints:
      overrides.contentMaxCodePoints ??
      resolve(env, [ENV.contentMaxLength], wholeNumber(BOUNDS.contentMaxCodePoints), DEFAULTS.contentMaxCodePoints),
    metrics,
    genAiLatestConventions,
  });
  if (exportUrl !== undefined) exportUrls.set(config, exportUrl);
  return config;
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics, the GenAI conventions opt-in and Mellea's newer variable names (issue 11).
// ---------------------------------------------------------------------------------------------------------------

/** The first of `names` that is set to a non-blank value, with its name. */
function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; raw: string } | undefined {
  for (const name of names) {
    const raw = env[name]?.trim();
    if (raw) return { name, raw };
  }
  return undefined;
}

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
  return resolve(
    env,
    [METRICS_ENV.otlpMetricsProtocol, ENV.otlpProtocol],
    oneOf(PROTOCOLS),
    DEFAULTS.otlpProtocol as OtlpProtocol,
  );
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
      `${found.name}=${quote(printableUrl(found.raw))} is not an http(s) URL (for example http://localhost:4317). ` +
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
  const otlpHeaders = {
    ...parseHeaderList(env, ENV.otlpHeaders, otlpProtocol),
    ...parseHeaderList(env, METRICS_ENV.otlpMetricsHeaders, otlpProtocol),
  };
  const prometheus = parseBooleanEnv(env, METRICS_ENV.prometheus, false);
  return Object.freeze({
    enabled,
    console: parseBooleanEnv(env, METRICS_ENV.console, false),
    otlpEndpoint: parseBooleanEnv(env, METRICS_ENV.otlp, false) ? parseMetricsEndpoint(env, otlpProtocol) : undefined,
    otlpProtocol,
    otlpHeaders: redactedHeaders(otlpHeaders),
    otlpTimeoutMs: resolve(
      env,
      [METRICS_ENV.otlpMetricsTimeout, ENV.otlpTimeout],
      wholeNumber(BOUNDS.otlpTimeoutMs),
      DEFAULTS.otlpTimeoutMs,
    ),
    prometheusPort: prometheus
      ? resolve(env, [METRICS_ENV.prometheusPort], wholeNumber(BOUNDS.prometheusPort), METRICS_DEFAULTS.prometheusPort)
      : undefined,
    exportIntervalMs: resolve(
      env,
      [METRICS_ENV.exportInterval],
      wholeNumber(BOUNDS.metricExportIntervalMs),
      METRICS_DEFAULTS.exportIntervalMs,
    ),
  });
}
