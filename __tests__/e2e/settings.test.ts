/**
 * The standard OTEL_* settings as read into the frozen config: precedence, defaults, and one clear warning for
 * each malformed value (naming the variable and the value used instead; header values never printed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { configureTelemetry, getTelemetryConfig, readTelemetryConfig, reloadTelemetryConfig } from 'mellea-telemetry';
// Internal: the list of variables the package reads, to check .env.example against it.
import { ENV, exporterConfig, type TelemetryConfig } from '../../src/config';

type Config = TelemetryConfig;

import { captureWarnings } from '../support/warnings';
import { FIXTURES, startChild } from './support/child';

const warnings = captureWarnings();
afterEach(() => {
  configureTelemetry({});
  reloadTelemetryConfig({});
});

describe('endpoint, protocol, headers, timeout', () => {
  it('defaults: gRPC, no endpoint, no headers, 10 s export timeout, 5 s flush bound, flush on exit', () => {
    expect(readTelemetryConfig({})).toMatchObject({
      otlpEndpoint: undefined,
      otlpProtocol: 'grpc',
      otlpHeaders: {},
      otlpTimeoutMs: 10_000,
      flushTimeoutMs: 5_000,
      flushOnExit: true,
      serviceName: 'mellea',
      resourceAttributes: {},
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      batch: { scheduledDelayMillis: 5000, exportTimeoutMillis: 30000, maxQueueSize: 2048, maxExportBatchSize: 512 },
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317' }, 'grpc', 'http://general:4317'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4317' },
      'grpc',
      'http://traces:4317',
    ],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318/' },
      'http/protobuf',
      'http://general:4318/v1/traces',
    ],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/custom' },
      'http/protobuf',
      'http://t:4318/custom',
    ],
    [
      {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'GRPC',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://g:4317',
      },
      'grpc',
      'http://g:4317',
    ],
  ])('%j → %s %s', (env, protocol, endpoint) => {
    expect(readTelemetryConfig(env)).toMatchObject({ otlpProtocol: protocol, otlpEndpoint: endpoint });
    expect(warnings).toEqual([]);
  });

  it('headers: a percent-encoded key=value list; TRACES_HEADERS wins per key; values never print', () => {
    const config = readTelemetryConfig({
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20tok-123, x-team=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=b',
    });
    expect({ ...config.otlpHeaders }).toEqual({ authorization: 'Bearer tok-123', 'x-team': 'b' });
    expect(JSON.stringify(config)).not.toContain('tok-123');
    expect(inspect(config, { depth: 5 })).not.toContain('tok-123');
    expect(JSON.stringify(config.otlpHeaders)).toBe('{"authorization":"[redacted]","x-team":"[redacted]"}');
  });

  it('a malformed header list: one warning naming the variable and the entry position, not the value', () => {
    const config = readTelemetryConfig({
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=ok,just-a-secret-token,=x,bad=%E0%A4%A',
    });
    expect({ ...config.otlpHeaders }).toEqual({ 'api-key': 'ok' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_EXPORTER_OTLP_HEADERS');
    expect(warnings[0]).toContain('entry 2, entry 3, entry 4');
    expect(warnings[0]).toContain('Using the other 1 entries');
    expect(warnings[0]).not.toContain('just-a-secret-token');
  });

  it.each([
    [
      { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' },
      'otlpTimeoutMs',
      10_000,
      'OTEL_EXPORTER_OTLP_TIMEOUT="soon"',
      'Using 10000',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '-5', OTEL_EXPORTER_OTLP_TIMEOUT: '700' },
      'otlpTimeoutMs',
      700,
      'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT="-5"',
      'Using 700 (from OTEL_EXPORTER_OTLP_TIMEOUT)',
    ],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      'otlpProtocol',
      'grpc',
      'OTEL_EXPORTER_OTLP_PROTOCOL="http/json"',
      'Using grpc',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4317' },
      'otlpEndpoint',
      undefined,
      'OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4317"',
      'OTLP export is off',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x' },
      'otlpEndpoint',
      undefined,
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="ftp://x"',
      'OTLP export is off',
    ],
    [{ MELLEA_TRACE_FLUSH_TIMEOUT: '2.5' }, 'flushTimeoutMs', 5_000, 'MELLEA_TRACE_FLUSH_TIMEOUT="2.5"', 'Using 5000'],
  ])('%j: one warning naming the variable and the value used instead', (env, key, expected, named, used) => {
    expect(readTelemetryConfig(env)[key as 'otlpTimeoutMs']).toBe(expected);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(named);
    expect(warnings[0]).toContain(used);
  });

  it('a valid TRACES_ timeout wins over the general one', () => {
    expect(
      readTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1500', OTEL_EXPORTER_OTLP_TIMEOUT: '700' })
        .otlpTimeoutMs,
    ).toBe(1500);
  });
});

describe('bounds of the millisecond and size settings', () => {
  const MAX_MS = 2_147_483_647;

  it.each([
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '1e10', (c: Config) => c.otlpTimeoutMs, MAX_MS, 'above the maximum'],
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', '99999999999', (c: Config) => c.otlpTimeoutMs, MAX_MS, 'above the maximum'],
    ['MELLEA_TRACE_FLUSH_TIMEOUT', '1e10', (c: Config) => c.flushTimeoutMs, MAX_MS, 'above the maximum'],
    ['MELLEA_TRACE_FLUSH_TIMEOUT', '0', (c: Config) => c.flushTimeoutMs, 1, 'below the minimum'],
    ['OTEL_BSP_SCHEDULE_DELAY', '1e12', (c: Config) => c.batch.scheduledDelayMillis, MAX_MS, 'above the maximum'],
    ['OTEL_BSP_EXPORT_TIMEOUT', '0', (c: Config) => c.batch.exportTimeoutMillis, 1, 'below the minimum'],
    ['OTEL_BSP_EXPORT_TIMEOUT', 'Infinity', (c: Config) => c.batch.exportTimeoutMillis, MAX_MS, 'above the maximum'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', '1e9', (c: Config) => c.batch.maxQueueSize, 100_000, 'above the maximum'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', '0', (c: Config) => c.batch.maxQueueSize, 1, 'below the minimum'],
  ])('%s=%s is clamped, with one warning naming the variable and the value used', (name, raw, read, used, side) => {
    expect(read(readTelemetryConfig({ [name]: raw }))).toBe(used);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${name}=${JSON.stringify(raw)} is ${side}`);
    expect(warnings[0]).toContain(`Using ${used}.`);
  });

  it('a queue clamped to its maximum still bounds the batch size, with one warning each', () => {
    const { batch } = readTelemetryConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '1e9', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1e9' });
    expect(batch).toMatchObject({ maxQueueSize: 100_000, maxExportBatchSize: 100_000 });
    expect(warnings).toEqual([
      expect.stringContaining('OTEL_BSP_MAX_QUEUE_SIZE="1e9" is above the maximum 100000 spans. Using 100000.'),
      expect.stringContaining('OTEL_BSP_MAX_EXPORT_BATCH_SIZE="1e9" is above the maximum 100000 spans. Using 100000.'),
    ]);
  });

  it('the bounds themselves are accepted silently', () => {
    const config = readTelemetryConfig({
      OTEL_EXPORTER_OTLP_TIMEOUT: String(MAX_MS),
      OTEL_BSP_SCHEDULE_DELAY: '0',
      OTEL_BSP_MAX_QUEUE_SIZE: '100000',
      MELLEA_TRACE_FLUSH_TIMEOUT: '1',
    });
    expect([config.otlpTimeoutMs, config.batch.scheduledDelayMillis, config.batch.maxQueueSize]).toEqual([
      MAX_MS,
      0,
      100_000,
    ]);
    expect(config.flushTimeoutMs).toBe(1);
    expect(warnings).toEqual([]);
  });
});

describe('a malformed signal-specific variable falls back to the general one', () => {
  it.each([
    [
      'endpoint',
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4317', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317' },
      (c: Config) => c.otlpEndpoint,
      'http://general:4317',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="collector:4317" is not an http(s) URL',
    ],
    [
      'endpoint, OTLP/HTTP (the general one gets /v1/traces)',
      {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      },
      (c: Config) => c.otlpEndpoint,
      'http://general:4318/v1/traces',
      'Using http://general:4318/v1/traces (from OTEL_EXPORTER_OTLP_ENDPOINT)',
    ],
    [
      'timeout',
      { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'soon', OTEL_EXPORTER_OTLP_TIMEOUT: '2500' },
      (c: Config) => c.otlpTimeoutMs,
      2500,
      'Using 2500 (from OTEL_EXPORTER_OTLP_TIMEOUT)',
    ],
    [
      'protocol',
      { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      (c: Config) => c.otlpProtocol,
      'http/protobuf',
      'Using http/protobuf (from OTEL_EXPORTER_OTLP_PROTOCOL)',
    ],
  ])('%s', (_what, env, read, expected, message) => {
    expect(read(readTelemetryConfig(env))).toBe(expected);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(message);
  });

  it('both malformed: two warnings, the default (or no export) used', () => {
    const config = readTelemetryConfig({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'nope',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'also nope',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'x',
      OTEL_EXPORTER_OTLP_TIMEOUT: 'y',
    });
    expect([config.otlpEndpoint, config.otlpTimeoutMs]).toEqual([undefined, 10_000]);
    expect(warnings).toHaveLength(4);
    expect(warnings.filter((w) => w.includes('OTLP export is off'))).toHaveLength(2);
    expect(warnings.filter((w) => w.endsWith('Using 10000.'))).toHaveLength(2);
  });

  it('a header the traces list cannot carry falls back to the general list’s value for that key', () => {
    const config = readTelemetryConfig({
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=general-ok',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=bad%0Avalue',
    });
    expect({ ...config.otlpHeaders }).toEqual({ 'x-api-key': 'general-ok' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_EXPORTER_OTLP_TRACES_HEADERS: header "x-api-key"');
  });
});

describe('header values are checked up front; credentials never printed', () => {
  it.each([
    ['a line break (%0A)', 'tok%0Aen'],
    ['a carriage return (%0D)', 'tok%0Den'],
    ['non-ASCII', 'caf%C3%A9-s3cr3t'],
    ['a control character', 'tok%07en'],
  ])('%s: that header is left out (warning names the KEY only), the others stay', (_what, encoded) => {
    const config = readTelemetryConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encoded},x-team=blue`,
    });
    expect({ ...config.otlpHeaders }).toEqual({ 'x-team': 'blue' });
    expect(config.otlpEndpoint).toBe('http://collector:4317'); // export stays on
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_EXPORTER_OTLP_HEADERS: header "authorization"');
    expect(warnings[0]).not.toMatch(/tok|s3cr3t|caf/);
  });

  it('gRPC keys: a binary (-bin) key or one with characters gRPC refuses is left out; OTLP/HTTP takes any token', () => {
    const env = { OTEL_EXPORTER_OTLP_HEADERS: 'trace-bin=abc,x!key=v,ok=1' };
    expect(Object.keys(readTelemetryConfig(env).otlpHeaders)).toEqual(['ok']);
    expect(warnings).toHaveLength(2);
    warnings.length = 0;
    reloadTelemetryConfig({}); // forgets the warnings already shown
    const http = readTelemetryConfig({ ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    expect(Object.keys(http.otlpHeaders).sort()).toEqual(['ok', 'trace-bin', 'x!key']);
  });

  it('userinfo and query strings never reach a warning', () => {
    readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://admin:hunter2@collector:2121/x?token=abc' });
    readTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'admin:hunter2@collector:4317?token=abc' });
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toMatch(/hunter2|admin|token=/);
    expect(warnings[0]).toContain('"ftp://collector:2121/x"');
    expect(warnings[1]).toContain('"collector:4317"');
  });

  it('getTelemetryConfig() shows the endpoint without userinfo or query; the exporter gets the full URL', () => {
    const secret = 'http://admin:hunter2@127.0.0.1:4317/?api-key=s3cr3t';
    const config = reloadTelemetryConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: secret,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr3t-header',
    });
    expect(config.otlpEndpoint).toBe('http://127.0.0.1:4317');
    const printed = [JSON.stringify(getTelemetryConfig()), inspect(getTelemetryConfig(), { depth: 5 })].join('\n');
    expect(printed).not.toMatch(/hunter2|admin|s3cr3t/);
    expect(exporterConfig(config).otlpEndpoint).toBe(secret);
    expect(exporterConfig(readTelemetryConfig({})).otlpEndpoint).toBeUndefined();
  });
});

describe('resource, sampler, batch', () => {
  it('OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES, which wins over the default', () => {
    expect(readTelemetryConfig({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,region=eu%2Dwest' })).toMatchObject(
      {
        serviceName: 'from-attrs',
        resourceAttributes: { region: 'eu-west' },
      },
    );
    expect(
      readTelemetryConfig({ OTEL_SERVICE_NAME: 'svc', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' })
        .serviceName,
    ).toBe('svc');
  });

  it('a malformed resource entry is named in the warning (it is not a secret)', () => {
    expect(readTelemetryConfig({ OTEL_RESOURCE_ATTRIBUTES: 'a=1,oops' }).resourceAttributes).toEqual({ a: '1' });
    expect(warnings).toEqual([expect.stringContaining('OTEL_RESOURCE_ATTRIBUTES has malformed entries ("oops")')]);
  });

  it.each([
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
      { name: 'traceidratio', ratio: 0.25 },
      0,
    ],
    [
      { OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio', OTEL_TRACES_SAMPLER_ARG: '0' },
      { name: 'parentbased_traceidratio', ratio: 0 },
      0,
    ],
    [{ OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: 'ignored' }, { name: 'always_off', ratio: 1 }, 0],
    [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, { name: 'parentbased_always_on', ratio: 1 }, 1],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, { name: 'traceidratio', ratio: 1 }, 1],
  ])('%j → %j (%d warnings)', (env, sampler, warningCount) => {
    expect(readTelemetryConfig(env).sampler).toEqual(sampler);
    expect(warnings).toHaveLength(warningCount);
  });

  it('batch settings; a batch larger than the queue is clamped with a warning', () => {
    expect(
      readTelemetryConfig({
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BSP_EXPORT_TIMEOUT: '2000',
        OTEL_BSP_MAX_QUEUE_SIZE: '64',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '128',
      }).batch,
    ).toEqual({ scheduledDelayMillis: 100, exportTimeoutMillis: 2000, maxQueueSize: 64, maxExportBatchSize: 64 });
    expect(warnings).toEqual([
      expect.stringContaining(
        'OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128 is larger than OTEL_BSP_MAX_QUEUE_SIZE=64. Using 64.',
      ),
    ]);
  });

  it('a small queue alone pulls the default batch size down silently', () => {
    expect(readTelemetryConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '10' }).batch.maxExportBatchSize).toBe(10);
    expect(warnings).toEqual([]);
  });
});

describe('the config object', () => {
  it('is frozen, nested parts too', () => {
    const config = readTelemetryConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'a=b' });
    expect(Object.isFrozen(config)).toBe(true);
    for (const part of [config.otlpHeaders, config.resourceAttributes, config.sampler, config.batch])
      expect(Object.isFrozen(part)).toBe(true);
  });

  it('reloadTelemetryConfig re-reads the OTEL_* settings too', () => {
    reloadTelemetryConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: '1234', OTEL_SERVICE_NAME: 'reloaded' });
    expect(getTelemetryConfig()).toMatchObject({ otlpTimeoutMs: 1234, serviceName: 'reloaded' });
  });

  it('configureTelemetry options win over the environment and survive a reload', () => {
    configureTelemetry({ flushOnExit: false, flushTimeoutMs: 250, application: true });
    reloadTelemetryConfig({
      MELLEA_TRACE_FLUSH_ON_EXIT: 'true',
      MELLEA_TRACE_FLUSH_TIMEOUT: '9000',
      MELLEA_TRACE_APPLICATION: 'false',
    });
    expect(getTelemetryConfig()).toMatchObject({ flushOnExit: false, flushTimeoutMs: 250, application: true });
  });
});

describe('.env.example', () => {
  const lines = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8').split('\n');
  /** `NAME=value` of every variable this package reads, whether the line is commented out or not. */
  const documented = Object.fromEntries(
    lines.flatMap((line) => {
      const match = /^#?\s*([A-Z_]+)=(.*)$/.exec(line.trim());
      return match && (Object.values(ENV) as string[]).includes(match[1]!) ? [[match[1]!, match[2]!]] : [];
    }),
  );

  it('lists every variable this package reads', () => {
    expect(Object.keys(documented).sort()).toEqual([...Object.values(ENV)].sort());
  });

  it('every example value is valid (all lines uncommented: no warning)', () => {
    readTelemetryConfig(documented);
    expect(warnings).toEqual([]);
  });

  it("works as is with Node 20's --env-file (as the README says): read at import, no warning", async () => {
    const child = startChild(join(FIXTURES, 'print-config.ts'), { nodeArgs: ['--env-file=.env.example'] });
    const { code, stdout, stderr } = await child.exited;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({
      application: true,
      backend: true,
      serviceName: 'mellea',
      console: false,
      content: true,
      otlpEndpoint: null,
    });
  });
});
