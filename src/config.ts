import { warnOnce } from './warnings';

/** The environment variables this package reads. */
export const ENV = {
  application: 'MELLEA_TRACE_APPLICATION',
  backend: 'MELLEA_TRACE_BACKEND',
  console: 'MELLEA_TRACE_CONSOLE',
  content: 'MELLEA_TRACE_CONTENT',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  serviceName: 'OTEL_SERVICE_NAME',
} as const;

export const DEFAULT_SERVICE_NAME = 'mellea';

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
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: OTLP gRPC endpoint, e.g. `http://localhost:4317`. */
  readonly otlpEndpoint: string | undefined;
  /** `OTEL_SERVICE_NAME`: the `service.name` resource attribute. Default `mellea`. */
  readonly serviceName: string;
}

const TRUE_VALUES = new Set(['true', '1', 'yes']);
const FALSE_VALUES = new Set(['false', '0', 'no', '']);

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

function parseEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[ENV.otlpEndpoint]?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('scheme');
    return raw;
  } catch {
    warnOnce(
      `${ENV.otlpEndpoint}:invalid`,
      `${ENV.otlpEndpoint}=${JSON.stringify(raw.slice(0, 200))} is not an http(s) URL ` +
        `(for example http://localhost:4317). OTLP export is off.`,
    );
    return undefined;
  }
}

/** Reads the configuration from an environment (default: `process.env`). Pure apart from warnings. */
export function readTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  return Object.freeze({
    application: parseBooleanEnv(env, ENV.application, false),
    backend: parseBooleanEnv(env, ENV.backend, false),
    console: parseBooleanEnv(env, ENV.console, false),
    content: parseBooleanEnv(env, ENV.content, true),
    otlpEndpoint: parseEndpoint(env),
    serviceName: env[ENV.serviceName]?.trim() || DEFAULT_SERVICE_NAME,
  });
}
