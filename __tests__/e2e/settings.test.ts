/**
 * The standard OTEL_* settings as read into the frozen config: precedence, defaults, and one clear warning for
 * each malformed value (naming the variable and the value used instead; header values never printed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { configureTelemetry, getTelemetryConfig, readTelemetryConfig, reloadTelemetryConfig } from '../../src';
import { ENV } from '../../src/config';
import { captureWarnings } from '../support/warnings';

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
      10_000,
      'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT="-5"',
      'Using 10000',
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
});
