/**
 * Runs what docs/tracing.md shows (each block there is one of the files in ./docs, checked verbatim by
 * __tests__/docs/snippets.test.ts): the shell settings are read exactly as a shell would export them, the
 * TypeScript snippets run against a real OTLP receiver, the Collector configs are parsed and cross-checked.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  forceFlushTelemetry,
  getTelemetryExportStats,
  readTelemetryConfig,
  reloadTelemetryConfig,
  shutdownTelemetry,
} from 'mellea-telemetry';
import { parse as parseYaml } from 'yaml';
import { captureWarnings } from '../support/warnings';
import { handler } from './docs/serverless';
import { runChild, startChild } from './support/child';
import { only, Receiver } from './support/receiver';

jest.setTimeout(60_000);

const DOCS = join(__dirname, 'docs');
const read = (name: string): string => readFileSync(join(DOCS, name), 'utf8');
const warnings = captureWarnings();

/** The variables a shell snippet exports (`export NAME=value` lines; comments ignored). */
function exported(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of read(name).split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

let receiver: Receiver;
beforeAll(async () => (receiver = await Receiver.start(['grpc'])));
afterAll(() => receiver.close());
afterEach(() => reloadTelemetryConfig({}));

describe('shell settings', () => {
  it.each([
    ['jaeger.sh', { otlpEndpoint: 'http://localhost:4317', otlpProtocol: 'grpc', serviceName: 'my-mellea-app' }],
    [
      'honeycomb.sh',
      {
        otlpEndpoint: 'https://api.honeycomb.io:443',
        otlpProtocol: 'grpc',
        otlpHeaders: { 'x-honeycomb-team': 'YOUR_API_KEY' },
      },
    ],
    ['http-protobuf.sh', { otlpEndpoint: 'http://localhost:4318/v1/traces', otlpProtocol: 'http/protobuf' }],
    [
      'fleet-agent.sh',
      {
        otlpEndpoint: 'http://127.0.0.1:4317',
        serviceName: 'answer-service',
        resourceAttributes: { 'deployment.environment': 'production', 'service.version': '1.4.2' },
        otlpTimeoutMs: 5000,
        batch: expect.objectContaining({ maxQueueSize: 8192 }),
      },
    ],
  ])('%s enables both scopes and reads as documented, without a warning', (file, expected) => {
    const config = readTelemetryConfig(exported(file));
    expect(config).toMatchObject({ application: true, backend: true, ...expected });
    expect(warnings).toEqual([]);
  });

  it('disable.sh turns both scopes off', () => {
    expect(readTelemetryConfig(exported('disable.sh'))).toMatchObject({ application: false, backend: false });
    expect(warnings).toEqual([]);
  });

  it('check-status.ts prints the status with the Jaeger settings', async () => {
    const result = await runChild(join(DOCS, 'check-status.ts'), { env: exported('jaeger.sh') });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'Application tracing: true',
      'Backend tracing:     true',
      'OTLP export:         http://localhost:4317 (grpc) as my-mellea-app',
      'Export counts:       {"exported":0,"failed":0,"dropped":0,"queued":0,"inFlight":0}',
      '',
    ]);
  });

  it('the Jaeger settings deliver a session to an OTLP gRPC receiver (endpoint swapped for the test receiver)', async () => {
    const env = { ...exported('jaeger.sh'), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint };
    const result = await runChild(join(__dirname, 'fixtures', 'short-script.ts'), { args: ['end', '1'], env });
    expect(result.code).toBe(0);
    expect(await receiver.waitForCount('my-mellea-app', 7)).toHaveLength(7);
  });
});

describe('TypeScript snippets', () => {
  it('serverless.ts: the spans are at the receiver when the handler returns', async () => {
    reloadTelemetryConfig({
      MELLEA_TRACE_APPLICATION: 'true',
      MELLEA_TRACE_BACKEND: 'true',
      MELLEA_TRACE_FLUSH_ON_EXIT: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: 'docs-serverless',
    });
    expect(await handler({ prompt: 'hello' })).toEqual({ answer: 'answer to hello' });
    // Counted as exported only once the receiver acknowledged them: before the handler returned.
    expect(getTelemetryExportStats()).toMatchObject({ exported: 4, queued: 0 });
    expect((await receiver.waitForCount('docs-serverless', 4)).map((span) => span.name).sort()).toEqual([
      'aact',
      'chat',
      'requirement_validation',
      'session_context',
    ]);
    await forceFlushTelemetry();
    await shutdownTelemetry();
  });

  it('own-sdk.ts: one pipeline (the app NodeSDK) carries the app span and ours, nested in one trace', async () => {
    const result = await runChild(join(DOCS, 'own-sdk.ts'), {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
        OTEL_SERVICE_NAME: 'docs-own-sdk',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
      },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('answer to Summarise the report\n');
    const spans = await receiver.waitForCount('docs-own-sdk', 5);
    const request = only(spans, 'POST /ask');
    expect(only(spans, 'session_context').parentSpanId).toBe(request.spanId);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  });

  it('signal-handler.ts: the app handler closes, flushes and exits 0; the request spans are delivered', async () => {
    const child = startChild(join(DOCS, 'signal-handler.ts'), {
      env: {
        MELLEA_TRACE_APPLICATION: 'true',
        MELLEA_TRACE_BACKEND: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
        OTEL_SERVICE_NAME: 'docs-signal',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
    });
    const port = Number(/listening on (\d+)/.exec(await child.waitForLine(/^listening on \d+$/))![1]);
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/ask' }, (response) => {
        let text = '';
        response
          .setEncoding('utf8')
          .on('data', (chunk: string) => (text += chunk))
          .on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toBe('answer to /ask');
    expect(receiver.spansOf('docs-signal')).toEqual([]);
    child.process.kill('SIGTERM');
    expect(await child.exited).toMatchObject({ code: 0, signal: null });
    expect(await receiver.waitForCount('docs-signal', 4)).toHaveLength(4);
  });
});

describe('Collector configs for fleets', () => {
  type Pipeline = { receivers: string[]; processors: string[]; exporters: string[] };
  type CollectorConfig = {
    receivers: Record<string, { protocols: { grpc: { endpoint: string } } }>;
    processors: Record<string, unknown>;
    exporters: Record<string, Record<string, unknown>>;
    service: { pipelines: Record<string, Pipeline> };
  };
  const agent = parseYaml(read('otel-agent.yaml')) as CollectorConfig;
  const gateway = parseYaml(read('otel-gateway.yaml')) as CollectorConfig;

  it.each([
    ['agent', agent],
    ['gateway', gateway],
  ])('the %s pipeline only names components it defines, memory_limiter first and batch last', (_name, config) => {
    const traces = config.service.pipelines['traces']!;
    for (const receiver of traces.receivers) expect(config.receivers).toHaveProperty([receiver]);
    for (const processor of traces.processors) expect(config.processors).toHaveProperty([processor]);
    for (const exporter of traces.exporters) expect(config.exporters).toHaveProperty([exporter]);
    expect(traces.processors[0]).toBe('memory_limiter');
    expect(traces.processors.at(-1)).toBe('batch');
  });

  it('the SDK points at the agent; the agent routes by trace id to the port the gateway listens on; the gateway tail-samples', () => {
    const sdkEndpoint = new URL(readTelemetryConfig(exported('fleet-agent.sh')).otlpEndpoint!);
    expect(`${sdkEndpoint.hostname}:${sdkEndpoint.port}`).toBe(agent.receivers['otlp']!.protocols.grpc.endpoint);
    const balancing = agent.exporters['loadbalancing'] as { routing_key: string; resolver: { dns: { port: number } } };
    expect(balancing.routing_key).toBe('traceID');
    expect(gateway.receivers['otlp']!.protocols.grpc.endpoint).toBe(`0.0.0.0:${balancing.resolver.dns.port}`);
    expect(gateway.service.pipelines['traces']!.processors).toContain('tail_sampling');
    const policies = (
      gateway.processors['tail_sampling'] as { policies: Array<{ numeric_attribute?: { key: string } }> }
    ).policies;
    expect(policies.map((policy) => policy.numeric_attribute?.key).filter(Boolean)).toEqual([
      'gen_ai.usage.input_tokens',
    ]);
  });
});
