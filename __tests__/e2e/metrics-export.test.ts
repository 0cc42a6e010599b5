/**
 * Metrics leave the process: OTLP/gRPC to the real receiver (@elastic/mockotlpserver) from a child process that
 * never calls shutdown (the exit flush sends them), with `service.name`; and the Prometheus endpoint scraped
 * over loopback answers in the Prometheus text format.
 */
import { createServer } from 'node:net';
import { MockOtlpServer, normalizeMetrics, normalizeTrace } from '@elastic/mockotlpserver';
import {
  configureTelemetry,
  OPERATION_CHAT,
  reloadTelemetryConfig,
  shutdownTelemetry,
  traceBackend,
} from 'mellea-telemetry';
import { FIXTURES, printed, runChild, startChild, telemetryWarnings } from './support/child';

jest.setTimeout(60_000);

interface ReceivedMetric {
  name: string;
  unit?: string;
  histogram?: { dataPoints: { attributes: Record<string, unknown>; count: Long; explicitBounds: number[] }[] };
  sum?: { dataPoints: { attributes: Record<string, unknown>; asInt?: Long; asDouble?: number }[] };
}

/** A protobuf 64-bit integer as the receiver decodes it (`{ low, high }`), or a string/number. */
type Long = { low: number; high: number } | string | number;
const long = (value: Long | undefined): number =>
  typeof value === 'object' ? value.low + value.high * 2 ** 32 : Number(value);

describe('OTLP/gRPC export from a child process', () => {
  let server: MockOtlpServer;
  const received: { serviceName: unknown; scope: string; metric: ReceivedMetric }[] = [];
  beforeAll(async () => {
    server = new MockOtlpServer({
      services: ['grpc'],
      grpcHostname: '127.0.0.1',
      grpcPort: 0,
      logLevel: 'error',
      onMetrics: (raw) => {
        for (const resource of normalizeMetrics(raw).resourceMetrics) {
          for (const scope of resource.scopeMetrics) {
            for (const metric of scope.metrics) {
              received.push({
                serviceName: resource.resource?.attributes?.['service.name'],
                scope: scope.scope?.name ?? '',
                metric: metric as unknown as ReceivedMetric,
              });
            }
          }
        }
      },
    });
    await server.start();
  });
  afterAll(() => server.close());

  it('the metrics arrive with service.name, scope mellea.metrics and their attributes', async () => {
    const result = await runChild(`${FIXTURES}/metrics-script.ts`, {
      env: {
        MELLEA_METRICS_ENABLED: 'true',
        MELLEA_METRICS_OTLP: 'true',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: String(server.grpcUrl).replace(/\/$/, ''),
        OTEL_SERVICE_NAME: 'metrics-e2e',
      },
    });
    expect(result.code).toBe(0);
    expect(printed(result.stdout, 'done')).toEqual({ success: true, streamed: true });
    expect(telemetryWarnings(result.stderr)).toEqual([]);
    const mine = received.filter((entry) => entry.serviceName === 'metrics-e2e');
    expect(new Set(mine.map((entry) => entry.scope))).toEqual(new Set(['mellea.metrics']));
    const byName = new Map(mine.map((entry) => [entry.metric.name, entry.metric]));
    expect([...byName.keys()].sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.operation.time_to_first_chunk',
      'gen_ai.client.token.usage',
      'mellea.requirement.checks',
      'mellea.requirement.failures',
      'mellea.sampling.attempts',
      'mellea.sampling.successes',
    ]);
    const duration = byName.get('gen_ai.client.operation.duration')!;
    expect(duration.unit).toBe('s');
    // 2 generations + 2 judge calls + 1 stream.
    expect(long(duration.histogram!.dataPoints[0]!.count)).toBe(5);
    expect(duration.histogram!.dataPoints[0]!.explicitBounds).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    expect(duration.histogram!.dataPoints[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'granite-e2e',
    });
    const attempts = byName.get('mellea.sampling.attempts')!;
    expect(attempts.sum!.dataPoints[0]!.attributes).toEqual({ strategy: 'RejectionSamplingStrategy' });
    expect(long(attempts.sum!.dataPoints[0]!.asInt ?? attempts.sum!.dataPoints[0]!.asDouble)).toBe(2);
  });
});

describe('SIGTERM with spans and metrics on: both are flushed by one set of exit hooks', () => {
  let server: MockOtlpServer;
  const metricServices: unknown[] = [];
  const spanServices: unknown[] = [];
  beforeAll(async () => {
    server = new MockOtlpServer({
      services: ['grpc'],
      grpcHostname: '127.0.0.1',
      grpcPort: 0,
      logLevel: 'error',
      onTrace: (raw) => {
        for (const resource of normalizeTrace(raw).resourceSpans)
          for (const scope of resource.scopeSpans)
            for (const _span of scope.spans) spanServices.push(resource.resource?.attributes?.['service.name']);
      },
      onMetrics: (raw) => {
        for (const resource of normalizeMetrics(raw).resourceMetrics)
          metricServices.push(resource.resource?.attributes?.['service.name']);
      },
    });
    await server.start();
  });
  afterAll(() => server.close());

  it('the signal flushes spans and metrics, then the process dies of SIGTERM as usual', async () => {
    const child = startChild(`${FIXTURES}/short-script.ts`, {
      args: ['wait', '1'],
      env: {
        MELLEA_TRACE_APPLICATION: 'true',
        MELLEA_TRACE_BACKEND: 'true',
        MELLEA_METRICS_ENABLED: 'true',
        MELLEA_METRICS_OTLP: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: String(server.grpcUrl).replace(/\/$/, ''),
        OTEL_SERVICE_NAME: 'metrics-sigterm',
        // Long delays: without the signal flush nothing would have been sent yet.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
      },
    });
    await child.waitForLine(/^ready$/);
    expect(metricServices).toEqual([]);
    child.process.kill('SIGTERM');
    const result = await child.exited;
    expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(metricServices).toContain('metrics-sigterm');
    expect(spanServices.filter((service) => service === 'metrics-sigterm').length).toBeGreaterThan(0);
  });
});

/** A free loopback port (opened and closed: the exporter's own server takes it next). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the Prometheus endpoint', () => {
  afterEach(async () => {
    await shutdownTelemetry(1000);
    configureTelemetry({});
    reloadTelemetryConfig({});
  });

  it('serves the series in the Prometheus text format', async () => {
    const port = await freePort();
    reloadTelemetryConfig({
      MELLEA_METRICS_ENABLED: 'true',
      MELLEA_METRICS_PROMETHEUS: 'true',
      MELLEA_METRICS_PROMETHEUS_PORT: String(port),
      MELLEA_TRACE_FLUSH_ON_EXIT: 'false',
      OTEL_SERVICE_NAME: 'prometheus-e2e',
    });
    class Backend {
      modelId = 'm-prom';
      @traceBackend(OPERATION_CHAT)
      async chat(_action: unknown, _ctx: unknown): Promise<unknown> {
        return { value: 'v', usage: { inputTokens: 12, outputTokens: 3 } };
      }
    }
    await new Backend().chat({}, []);
    let response: Response | undefined;
    for (let attempt = 0; attempt < 50 && response === undefined; attempt++) {
      response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return undefined;
      });
    }
    expect(response!.status).toBe(200);
    expect(response!.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response!.text();
    expect(text).toMatch(/^# HELP gen_ai_client_token_usage/m);
    expect(text).toMatch(/^# TYPE gen_ai_client_token_usage histogram$/m);
    expect(text).toMatch(/^# TYPE gen_ai_client_operation_duration histogram$/m);
    const inputSum = text
      .split('\n')
      .find((line) => line.startsWith('gen_ai_client_token_usage_sum{') && line.includes('gen_ai_token_type="input"'));
    expect(inputSum).toContain('gen_ai_request_model="m-prom"');
    expect(inputSum).toMatch(/ 12$/);
    expect(text).toMatch(/^gen_ai_client_token_usage_bucket\{.*le="16"\} 1$/m);
    expect(text).toMatch(/^target_info\{.*service_name="prometheus-e2e"/m);
  });
});
