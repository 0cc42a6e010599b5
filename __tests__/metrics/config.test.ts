import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterProvider } from '@opentelemetry/api';
import { MetricReader, MeterProvider as SdkMeterProvider } from '@opentelemetry/sdk-metrics';
import {
  configureTelemetry,
  isMetricsEnabled,
  OPERATION_CHAT,
  readTelemetryConfig,
  reloadTelemetryConfig,
  shutdownTelemetry,
  traceBackend,
} from 'mellea-telemetry';
import { METRICS_ENV } from '../../src/config';
import { resetWarnings } from '../../src/warnings';
import { captureWarnings } from '../support/warnings';

const warnings = captureWarnings();
beforeEach(() => resetWarnings());
afterAll(async () => {
  configureTelemetry({});
  reloadTelemetryConfig({});
});

describe('MELLEA_METRICS_*', () => {
  it('off by default; nothing else parsed while off', () => {
    const config = readTelemetryConfig({ MELLEA_METRICS_PROMETHEUS: 'true', OTEL_METRIC_EXPORT_INTERVAL: 'x' });
    expect(config.metrics).toMatchObject({
      enabled: false,
      console: false,
      otlpEndpoint: undefined,
      prometheusPort: undefined,
    });
    expect(warnings).toEqual([]);
  });

  it('console, Prometheus (default port 9464) and the export interval', () => {
    const config = readTelemetryConfig({
      MELLEA_METRICS_ENABLED: 'true',
      MELLEA_METRICS_CONSOLE: 'yes',
      MELLEA_METRICS_PROMETHEUS: '1',
      OTEL_METRIC_EXPORT_INTERVAL: '15000',
    });
    expect(config.metrics).toMatchObject({
      enabled: true,
      console: true,
      prometheusPort: 9464,
      exportIntervalMs: 15_000,
    });
    expect(
      readTelemetryConfig({
        MELLEA_METRICS_ENABLED: 'true',
        MELLEA_METRICS_PROMETHEUS: 'true',
        MELLEA_METRICS_PROMETHEUS_PORT: '9500',
      }).metrics.prometheusPort,
    ).toBe(9500);
  });

  it('an invalid export interval warns once and uses 60000', () => {
    const env = { MELLEA_METRICS_ENABLED: 'true', OTEL_METRIC_EXPORT_INTERVAL: 'soon' };
    expect(readTelemetryConfig(env).metrics.exportIntervalMs).toBe(60_000);
    expect(readTelemetryConfig(env).metrics.exportIntervalMs).toBe(60_000);
    expect(warnings).toEqual([expect.stringContaining('OTEL_METRIC_EXPORT_INTERVAL="soon" is not a whole number')]);
  });

  it('OTLP: the metrics endpoint as is, else the general one (+ /v1/metrics for http/protobuf)', () => {
    const on = { MELLEA_METRICS_ENABLED: 'true', MELLEA_METRICS_OTLP: 'true' };
    expect(
      readTelemetryConfig({
        ...on,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:4317',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317',
      }).metrics.otlpEndpoint,
    ).toBe('http://metrics:4317');
    expect(readTelemetryConfig({ ...on, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317' }).metrics).toMatchObject({
      otlpEndpoint: 'http://general:4317',
      otlpProtocol: 'grpc',
    });
    expect(
      readTelemetryConfig({
        ...on,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318/',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      }).metrics,
    ).toMatchObject({ otlpEndpoint: 'http://general:4318/v1/metrics', otlpProtocol: 'http/protobuf' });
    expect(
      readTelemetryConfig({
        ...on,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
      }).metrics.otlpProtocol,
    ).toBe('http/protobuf');
    // An endpoint alone does not export metrics: MELLEA_METRICS_OTLP decides.
    expect(
      readTelemetryConfig({ MELLEA_METRICS_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4317' })
        .metrics.otlpEndpoint,
    ).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('OTLP on without an endpoint: one warning', () => {
    const env = { MELLEA_METRICS_ENABLED: 'true', MELLEA_METRICS_OTLP: 'true' };
    readTelemetryConfig(env);
    readTelemetryConfig(env);
    expect(warnings).toEqual([
      'MELLEA_METRICS_OTLP is on but neither OTEL_EXPORTER_OTLP_METRICS_ENDPOINT nor OTEL_EXPORTER_OTLP_ENDPOINT is set; metrics are not exported over OTLP.',
    ]);
  });

  it('metric headers: general merged with the metrics-specific ones, redacted when printed', () => {
    const config = readTelemetryConfig({
      MELLEA_METRICS_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,api-key=secret',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'a=2',
    });
    expect({ ...config.metrics.otlpHeaders }).toEqual({ a: '2', 'api-key': 'secret' });
    expect(JSON.stringify(config.metrics)).not.toContain('secret');
  });

  it('configureTelemetry({ metrics }) wins over the environment', () => {
    expect(readTelemetryConfig({ MELLEA_METRICS_ENABLED: 'true' }, { metrics: false }).metrics.enabled).toBe(false);
    expect(readTelemetryConfig({}, { metrics: true }).metrics.enabled).toBe(true);
  });
});

describe('OTEL_SEMCONV_STABILITY_OPT_IN', () => {
  it.each([
    [undefined, false],
    ['gen_ai_latest_experimental', true],
    ['http, gen_ai_latest_experimental ', true],
    ['database,GEN_AI_LATEST_EXPERIMENTAL', true],
    ['gen_ai_latest', false],
    ['http', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    const env = value === undefined ? {} : { OTEL_SEMCONV_STABILITY_OPT_IN: value };
    expect(readTelemetryConfig(env).genAiLatestConventions).toBe(expected);
  });

  it('configureTelemetry({ genAiLatestConventions }) wins', () => {
    expect(
      readTelemetryConfig(
        { OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' },
        { genAiLatestConventions: false },
      ).genAiLatestConventions,
    ).toBe(false);
  });
});

describe('MELLEA_TRACES_* aliases (Python Mellea’s newer names)', () => {
  it('MELLEA_TRACES_ENABLED turns on both scopes; CONSOLE and CONTENT alias theirs', () => {
    expect(
      readTelemetryConfig({
        MELLEA_TRACES_ENABLED: 'true',
        MELLEA_TRACES_CONSOLE: 'true',
        MELLEA_TRACES_CONTENT: 'false',
      }),
    ).toMatchObject({ application: true, backend: true, console: true, content: false });
  });

  it('the MELLEA_TRACE_* name wins when both are set', () => {
    expect(
      readTelemetryConfig({
        MELLEA_TRACES_ENABLED: 'true',
        MELLEA_TRACE_BACKEND: 'false',
        MELLEA_TRACES_CONTENT: 'false',
        MELLEA_TRACE_CONTENT: 'true',
        MELLEA_TRACES_CONSOLE: 'true',
        MELLEA_TRACE_CONSOLE: 'no',
      }),
    ).toMatchObject({ application: true, backend: false, content: true, console: false });
  });

  it('MELLEA_TRACES_OTLP=false keeps spans off OTLP although an endpoint is set (for metrics, say)', () => {
    const env = { MELLEA_TRACES_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' };
    expect(readTelemetryConfig(env).otlpEndpoint).toBe('http://collector:4317');
    expect(readTelemetryConfig({ ...env, MELLEA_TRACES_OTLP: 'false' }).otlpEndpoint).toBeUndefined();
    expect(readTelemetryConfig({ ...env, MELLEA_TRACES_OTLP: 'true' }).otlpEndpoint).toBe('http://collector:4317');
    expect(warnings).toEqual([]);
  });

  it('MELLEA_TRACES_OTLP=true without an endpoint: one warning', () => {
    readTelemetryConfig({ MELLEA_TRACES_OTLP: 'true' });
    expect(warnings).toEqual([expect.stringContaining('MELLEA_TRACES_OTLP is on but neither')]);
  });
});

/** A meter provider that counts what is asked of it. */
function countingMeterProvider(): { provider: MeterProvider; meters: string[]; instruments: string[] } {
  const meters: string[] = [];
  const instruments: string[] = [];
  const real = new SdkMeterProvider();
  const provider: MeterProvider = {
    getMeter(name, version, options) {
      meters.push(name);
      const meter = real.getMeter(name, version, options);
      return new Proxy(meter, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function' || !String(key).startsWith('create')) return value;
          return (instrument: string, ...rest: unknown[]) => {
            instruments.push(instrument);
            return value.call(target, instrument, ...rest);
          };
        },
      });
    },
  };
  return { provider, meters, instruments };
}

class Probe {
  modelId = 'm';
  @traceBackend(OPERATION_CHAT)
  async chat(_action: unknown, _ctx: unknown): Promise<unknown> {
    return { value: 'v', usage: { inputTokens: 3, outputTokens: 4 } };
  }
}

describe('the application’s own MeterProvider', () => {
  afterEach(() => configureTelemetry({}));

  it('metrics off: no meter and no instrument is created, no attribute is read', async () => {
    const counting = countingMeterProvider();
    configureTelemetry({ meterProvider: counting.provider, metrics: false });
    expect(isMetricsEnabled()).toBe(false);
    const reads: string[] = [];
    const probe = new Proxy(new Probe(), {
      get(target, key, receiver) {
        if (typeof key === 'string') reads.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    await probe.chat({}, []);
    expect(counting.meters).toEqual([]);
    expect(counting.instruments).toEqual([]);
    expect(reads).toEqual(['chat']);
  });

  it('metrics on with tracing off: meter mellea.metrics (package version), points recorded through it', async () => {
    const reader = new (class extends MetricReader {
      protected override async onForceFlush(): Promise<void> {}
      protected override async onShutdown(): Promise<void> {}
    })();
    const provider = new SdkMeterProvider({ readers: [reader] });
    configureTelemetry({ meterProvider: provider, metrics: true, application: false, backend: false });
    expect(isMetricsEnabled()).toBe(true);
    await new Probe().chat({}, []);
    const { resourceMetrics } = await reader.collect();
    const [scope] = resourceMetrics.scopeMetrics;
    expect(scope!.scope).toEqual({ name: 'mellea.metrics', version: '0.1.0', schemaUrl: undefined });
    expect(scope!.metrics.map((metric) => metric.descriptor.name).sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.token.usage',
    ]);
    await shutdownTelemetry();
    expect(isMetricsEnabled()).toBe(false);
    // The application's provider is flushed, never shut down by us.
    await new Probe().chat({}, []);
    provider.getMeter('still-alive').createCounter('c').add(1);
    expect((await reader.collect()).resourceMetrics.scopeMetrics.length).toBeGreaterThan(0);
  });

  it('instruments are created once per provider', () => {
    const counting = countingMeterProvider();
    configureTelemetry({ meterProvider: counting.provider, metrics: true });
    expect(counting.meters).toEqual(['mellea.metrics']);
    expect(counting.instruments.sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.operation.time_to_first_chunk',
      'gen_ai.client.token.usage',
      'mellea.llm.errors',
      'mellea.requirement.checks',
      'mellea.requirement.failures',
      'mellea.sampling.attempts',
      'mellea.sampling.failures',
      'mellea.sampling.successes',
    ]);
  });
});

describe('.env.example', () => {
  const lines = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8').split('\n');
  const documented = Object.fromEntries(
    lines.flatMap((line) => {
      const match = /^#?\s*([A-Z_]+)=(.*)$/.exec(line.trim());
      return match && (Object.values(METRICS_ENV) as string[]).includes(match[1]!) ? [[match[1]!, match[2]!]] : [];
    }),
  );

  it('lists every metrics, opt-in and alias variable', () => {
    expect(Object.keys(documented).sort()).toEqual([...Object.values(METRICS_ENV)].sort());
  });

  it('every example value is valid (all lines uncommented: no warning)', () => {
    const config = readTelemetryConfig(documented);
    expect(warnings).toEqual([]);
    expect(config.metrics.enabled).toBe(true);
    expect(config.genAiLatestConventions).toBe(true);
  });
});
