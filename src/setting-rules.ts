/**
 * What a valid setting looks like: the accepted protocols and samplers, and the bounds of every millisecond and
 * size setting. Shared by the environment parser (src/config.ts, which warns) and the option checks
 * (src/config-options.ts, which throw).
 */

/**
 * The longest millisecond setting: Node's timers hold at most 2^31 − 1 ms (about 24.8 days); above it
 * `setTimeout` fires after 1 ms instead.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Smallest and largest accepted value of a numeric setting, with its unit for messages. */
export interface SettingBounds {
  readonly min: number;
  readonly max: number;
  readonly unit: 'ms' | 'spans' | 'code points' | 'port';
}

/**
 * Bounds of every millisecond and size setting. Environment values outside them are clamped (one warning);
 * options outside them throw a RangeError. The queue bound keeps the memory of an unreachable collector's backlog
 * in the low hundreds of MB.
 */
export const BOUNDS = {
  otlpTimeoutMs: { min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  flushTimeoutMs: { min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  scheduledDelayMillis: { min: 0, max: MAX_TIMER_MS, unit: 'ms' },
  exportTimeoutMillis: { min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  maxQueueSize: { min: 1, max: 100_000, unit: 'spans' },
  maxExportBatchSize: { min: 1, max: 100_000, unit: 'spans' },
  /** Each message attribute: room for a message, a part and the truncation marker; at most 1 Mi code points. */
  contentMaxCodePoints: { min: 256, max: 1_048_576, unit: 'code points' },
  /** `OTEL_METRIC_EXPORT_INTERVAL`. */
  metricExportIntervalMs: { min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  /** `MELLEA_METRICS_PROMETHEUS_PORT` (0: any free port). */
  prometheusPort: { min: 0, max: 65_535, unit: 'port' },
} as const satisfies Record<string, SettingBounds>;

/** OTLP transports this package can export with. */
export type OtlpProtocol = 'grpc' | 'http/protobuf';
/** Every {@link OtlpProtocol}, for validation and messages. */
export const PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf'];

/** Export request body encodings (`OTEL_EXPORTER_OTLP_COMPRESSION`). */
export type OtlpCompression = 'gzip' | 'none';
/** Every {@link OtlpCompression}, for validation and messages. */
export const COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none'];

/** PEM files for TLS to the collector, as paths. */
export interface OtlpTlsFiles {
  /** The CA bundle to trust instead of the system's. */
  readonly certificate?: string;
  /** The client's private key (mutual TLS; with `clientCertificate`). */
  readonly clientKey?: string;
  /** The client's certificate chain (mutual TLS; with `clientKey`). */
  readonly clientCertificate?: string;
}

/** `OTEL_TRACES_SAMPLER` values this package understands (the OpenTelemetry SDK's built-in samplers). */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';
/** Every {@link SamplerName}, for validation and messages. */
export const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

/** Whether `raw` is an absolute http(s) URL. */
export function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
