/**
 * The checks of `configureTelemetry()`'s settings. An invalid option is a programming error: it throws at once,
 * naming the option (TypeError for a wrong type, RangeError for a value out of range) — unlike an environment
 * value, which only warns. One entry per {@link TelemetryOverrides} key: adding an option without its check does
 * not compile.
 */
import type { BatchSettings, TelemetryOverrides } from './config';
import { headerProblem, quoteKey } from './header-rules';
import { printableUrl } from './printable-url';
import { ATTR_SERVICE_NAME } from './semconv';
import { BOUNDS, COMPRESSIONS, isHttpUrl, PROTOCOLS, SAMPLERS, type SettingBounds } from './setting-rules';

type Check<T> = (value: T, option: string) => void;
type Checks = { readonly [K in keyof Required<TelemetryOverrides>]: Check<Exclude<TelemetryOverrides[K], undefined>> };

/** How a bad value is shown in the error: short, never an object's content. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 80));
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function fail(option: string, expected: string, value: unknown, range = false): never {
  const message = `configureTelemetry option "${option}" must be ${expected}; got ${shown(value)}.`;
  throw range ? new RangeError(message) : new TypeError(message);
}

const boolean: Check<boolean> = (value, option) => {
  if (typeof value !== 'boolean') fail(option, 'true or false', value);
};

const nonEmptyString: Check<string> = (value, option) => {
  if (typeof value !== 'string' || value.trim() === '') fail(option, 'a non-empty string', value);
};

function wholeNumber(bounds: SettingBounds): Check<number> {
  return (value, option) => {
    const expected = `a whole number of ${bounds.unit} from ${bounds.min} to ${bounds.max}`;
    if (typeof value !== 'number' || Number.isNaN(value)) fail(option, expected, value);
    if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) fail(option, expected, value, true);
  };
}

function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (value, option) => {
    if (!(values as readonly unknown[]).includes(value)) fail(option, `one of ${values.join(', ')}`, value);
  };
}

function plainObject(value: unknown, option: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(option, 'an object', value);
}

function stringMap(value: unknown, option: string): asserts value is Record<string, string> {
  plainObject(value, option);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') fail(`${option}.${key}`, 'a string', entry);
  }
}

const samplerName = oneOf(SAMPLERS);
const BATCH_KEYS: readonly (keyof BatchSettings)[] = [
  'scheduledDelayMillis',
  'exportTimeoutMillis',
  'maxQueueSize',
  'maxExportBatchSize',
];

const CHECKS: Checks = {
  application: boolean,
  backend: boolean,
  console: boolean,
  content: boolean,
  flushOnExit: boolean,
  serviceName: nonEmptyString,
  traceFile: nonEmptyString,
  consoleFormat: oneOf(['otel', 'tree'] as const),
  captureMessageContent: boolean,
  metrics: boolean,
  genAiLatestConventions: boolean,
  contentMaxCodePoints: wholeNumber(BOUNDS.contentMaxCodePoints),
  resourceAttributes(value, option) {
    stringMap(value, option);
    if (ATTR_SERVICE_NAME in value)
      fail(`${option}.${ATTR_SERVICE_NAME}`, 'left out (use the serviceName option)', '…');
  },
  otlpEndpoint(value, option) {
    if (value === null) return;
    if (typeof value !== 'string' || !isHttpUrl(value))
      fail(
        option,
        'an http(s) URL (for example http://localhost:4317), or null for no OTLP export',
        typeof value === 'string' ? printableUrl(value) : value,
      );
  },
  otlpProtocol: oneOf(PROTOCOLS),
  otlpHeaders(value, option) {
    stringMap(value, option);
    for (const [key, entry] of Object.entries(value)) {
      // Either protocol may end up in use (the environment can pick it): accept only what both can carry.
      const problem = headerProblem(key, entry, 'grpc') ?? headerProblem(key, entry, 'http/protobuf');
      if (problem !== undefined)
        throw new TypeError(`configureTelemetry option "${option}": header ${quoteKey(key)} ${problem}.`);
    }
  },
  otlpTimeoutMs: wholeNumber(BOUNDS.otlpTimeoutMs),
  otlpCompression: oneOf(COMPRESSIONS),
  otlpCertificate: nonEmptyString,
  otlpClientKey: nonEmptyString,
  otlpClientCertificate: nonEmptyString,
  flushTimeoutMs: wholeNumber(BOUNDS.flushTimeoutMs),
  sampler(value, option) {
    if (typeof value === 'string') return samplerName(value, option);
    plainObject(value, option);
    samplerName(value.name, `${option}.name`);
    if (value.ratio === undefined) return;
    if (!value.name.endsWith('traceidratio'))
      fail(`${option}.ratio`, 'left out: a ratio applies only to the traceidratio samplers', value.ratio);
    if (typeof value.ratio !== 'number' || !(value.ratio >= 0 && value.ratio <= 1))
      fail(`${option}.ratio`, 'a number between 0 and 1', value.ratio, typeof value.ratio === 'number');
  },
  batch(value, option) {
    plainObject(value, option);
    for (const [key, entry] of Object.entries(value)) {
      if (!(BATCH_KEYS as readonly string[]).includes(key))
        fail(`${option}.${key}`, `left out (batch settings: ${BATCH_KEYS.join(', ')})`, entry);
      if (entry !== undefined) wholeNumber(BOUNDS[key as keyof BatchSettings])(entry as number, `${option}.${key}`);
    }
    const { maxQueueSize, maxExportBatchSize } = value as Partial<BatchSettings>;
    if (maxQueueSize !== undefined && maxExportBatchSize !== undefined && maxExportBatchSize > maxQueueSize)
      fail(`${option}.maxExportBatchSize`, `at most batch.maxQueueSize (${maxQueueSize})`, maxExportBatchSize, true);
  },
};

/** The option names `configureTelemetry()` checks (for the unknown-option hint). */
export const OVERRIDE_NAMES: readonly string[] = Object.keys(CHECKS);

/**
 * Throws a TypeError or RangeError naming the first invalid option of `overrides`; `undefined` options are skipped
 * (they mean "from the environment").
 */
export function checkTelemetryOverrides(overrides: TelemetryOverrides): void {
  if (typeof overrides !== 'object' || overrides === null) fail('options', 'an object', overrides);
  for (const name of Object.keys(CHECKS) as (keyof TelemetryOverrides)[]) {
    const value = overrides[name];
    if (value !== undefined) (CHECKS[name] as Check<unknown>)(value, name);
  }
}
