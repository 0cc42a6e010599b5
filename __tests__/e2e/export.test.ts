/**
 * The export path against a real OTLP receiver (in this process, loopback, port 0): spans arrive over gRPC and
 * OTLP/HTTP with their names, attributes, parent links and resource; a down, hung or restarting collector costs
 * spans (counted, one warning), never the host's results or a rejected promise.
 */
import {
  forceFlushTelemetry,
  getTelemetryExportStats,
  reloadTelemetryConfig,
  shutdownTelemetry,
} from 'mellea-telemetry';
import { captureWarnings } from '../support/warnings';
import { runSession, SPANS_PER_SESSION } from './fixtures/session';
import { closedPort, hungServer, intAttr, only, type ReceivedSpan, Receiver, traced } from './support/receiver';

jest.setTimeout(30_000);
const warnings = captureWarnings();
afterEach(async () => {
  await shutdownTelemetry(1000);
  reloadTelemetryConfig({});
});

let receiver: Receiver;
beforeAll(async () => (receiver = await Receiver.start(['grpc', 'http'])));
afterAll(() => receiver.close());

/** Checks the spec tree by parent links: session_context → aact ×2 → chat + requirement_validation. */
function expectSessionTree(spans: ReceivedSpan[]): void {
  const root = only(spans, 'session_context');
  expect(root.parentSpanId).toBe('');
  expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([root.traceId]));
  const acts = spans.filter((span) => span.name === 'aact');
  expect(acts).toHaveLength(2);
  for (const act of acts) {
    expect(act.parentSpanId).toBe(root.spanId);
    const children = spans.filter((span) => span.parentSpanId === act.spanId).map((span) => span.name);
    expect(children.sort()).toEqual(['chat', 'requirement_validation']);
  }
}

describe('Up: a decorated session reaches the receiver', () => {
  it('over gRPC (the default): every span, attribute, parent link and the resource', async () => {
    traced({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: 'e2e-up-grpc',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,team=llm%20apps',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret-1,x-tenant=acme',
    });
    expect(await runSession()).toEqual(['answer to write 1', 'answer to write 2']);
    await forceFlushTelemetry();
    const spans = await receiver.waitForCount('e2e-up-grpc', SPANS_PER_SESSION);

    expect(spans).toHaveLength(SPANS_PER_SESSION);
    expectSessionTree(spans);
    const [firstAct, secondAct] = spans.filter((span) => span.name === 'aact');
    expect(firstAct!.attributes).toMatchObject({
      'mellea.backend': 'OllamaModelBackend',
      'mellea.action_type': 'Instruction',
      'mellea.has_format': false,
      sampling_success: true,
      response: 'answer to write 1',
    });
    expect(intAttr(firstAct!, 'mellea.context_size')).toBe(0);
    expect(intAttr(secondAct!, 'mellea.context_size')).toBe(1);
    const chat = spans.find((span) => span.name === 'chat' && span.parentSpanId === firstAct!.spanId)!;
    expect(chat.scope).toBe('mellea.backend');
    expect(chat.kind).toBe('SPAN_KIND_CLIENT');
    expect(chat.attributes).toMatchObject({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.model': 'granite4.1:3b-q4',
      'gen_ai.response.id': 'resp-1',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect([
      intAttr(chat, 'gen_ai.usage.input_tokens'),
      intAttr(chat, 'gen_ai.usage.output_tokens'),
      intAttr(chat, 'gen_ai.usage.total_tokens'),
    ]).toEqual([150, 42, 192]);
    expect(only(spans, 'session_context').scope).toBe('mellea.application');
    expect(chat.resource).toMatchObject({
      'service.name': 'e2e-up-grpc',
      'deployment.environment': 'test',
      team: 'llm apps',
      'telemetry.sdk.language': 'nodejs',
    });
    // Headers travel as gRPC metadata.
    expect(receiver.headers).toContainEqual(expect.objectContaining({ 'x-api-key': 'secret-1', 'x-tenant': 'acme' }));
    expect(getTelemetryExportStats()).toEqual({
      exported: SPANS_PER_SESSION,
      failed: 0,
      dropped: 0,
      queued: 0,
      inFlight: 0,
    });
  });

  it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT takes precedence over OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    traced({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: 'e2e-precedence',
    });
    await runSession();
    await forceFlushTelemetry();
    expect(await receiver.waitForCount('e2e-precedence', SPANS_PER_SESSION)).toHaveLength(SPANS_PER_SESSION);
  });

  it('OTEL_TRACES_SAMPLER=always_off: nothing recorded, nothing sent, results unchanged', async () => {
    traced({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: 'e2e-sampled-out',
      OTEL_TRACES_SAMPLER: 'always_off',
    });
    expect(await runSession()).toEqual(['answer to write 1', 'answer to write 2']);
    await forceFlushTelemetry();
    expect(getTelemetryExportStats()).toEqual({ exported: 0, failed: 0, dropped: 0, queued: 0, inFlight: 0 });
    expect(receiver.spansOf('e2e-sampled-out')).toEqual([]);
  });
});

describe('Down: nothing listens on the endpoint', () => {
  it('host results unchanged, flush and shutdown resolve, ONE warning naming the endpoint, spans counted as failed', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    traced({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'e2e-down',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=do-not-print',
    });
    for (let round = 0; round < 3; round++) {
      expect(await runSession(`round ${round}`)).toEqual([`answer to round ${round} 1`, `answer to round ${round} 2`]);
      await expect(forceFlushTelemetry()).resolves.toBeUndefined();
    }
    expect(getTelemetryExportStats()).toEqual({
      exported: 0,
      failed: 3 * SPANS_PER_SESSION,
      dropped: 0,
      queued: 0,
      inFlight: 0,
    });
    await expect(shutdownTelemetry()).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(endpoint);
    expect(warnings.join()).not.toContain('do-not-print');
  });

  it('a collector that never answers: the queue limit holds while spans keep coming, drops are counted and reported', () =>
    withHungCollector(
      { OTEL_SERVICE_NAME: 'e2e-queue', OTEL_BSP_MAX_QUEUE_SIZE: '50', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10' },
      async (endpoint) => {
        let maxQueued = 0;
        const results: string[][] = [];
        for (let i = 0; i < 40; i++) {
          results.push(await runSession(String(i)));
          maxQueued = Math.max(maxQueued, getTelemetryExportStats().queued);
        }
        expect(results[39]).toEqual(['answer to 39 1', 'answer to 39 2']);
        expect(maxQueued).toBe(50);
        // 280 spans produced; every one is accounted for: queued, in flight (one batch), exported, failed, or dropped.
        expect(getTelemetryExportStats()).toEqual({
          exported: 0,
          failed: 0,
          queued: 50,
          inFlight: 10,
          dropped: 40 * SPANS_PER_SESSION - 60,
        });
        expect(
          warnings.filter((warning) => warning.includes('OTEL_BSP_MAX_QUEUE_SIZE=50') && warning.includes(endpoint)),
        ).toHaveLength(1);
      },
    ));
});

describe('Hung: the collector accepts connections and never answers', () => {
  it('forceFlush and shutdown return within the configured bound, with a warning, never rejecting', () =>
    withHungCollector(
      { OTEL_SERVICE_NAME: 'e2e-hung', MELLEA_TRACE_FLUSH_TIMEOUT: '300' },
      async (_endpoint, connections) => {
        expect(await runSession()).toEqual(['answer to write 1', 'answer to write 2']);
        let started = Date.now();
        await expect(forceFlushTelemetry()).resolves.toBeUndefined();
        const flushMs = Date.now() - started;
        started = Date.now();
        await expect(shutdownTelemetry()).resolves.toBeUndefined();
        const shutdownMs = Date.now() - started;
        // Bounded by MELLEA_TRACE_FLUSH_TIMEOUT (300 ms), far below the exporter's 60 s; generous slack for a loaded CI box.
        expect(flushMs).toBeLessThan(10_000);
        expect(shutdownMs).toBeLessThan(10_000);
        expect(connections()).toBeGreaterThan(0);
        expect(warnings.some((warning) => warning.includes('did not finish within 300 ms'))).toBe(true);
      },
    ));
});

/** Runs `body` with both scopes exporting to a collector that never answers (the exporter alone would wait 60 s). */
async function withHungCollector(
  env: Record<string, string>,
  body: (endpoint: string, connections: () => number) => Promise<void>,
): Promise<void> {
  const hung = await hungServer();
  try {
    traced({ OTEL_EXPORTER_OTLP_ENDPOINT: hung.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '60000', ...env });
    await body(hung.endpoint, hung.connections);
  } finally {
    await shutdownTelemetry(200);
    await hung.close();
  }
}

describe('Restart: the collector is down, then comes back on the same port', () => {
  it('spans ended after it came back are delivered', async () => {
    const port = await closedPort();
    traced({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_SERVICE_NAME: 'e2e-restart',
      MELLEA_TRACE_FLUSH_TIMEOUT: '20000',
    });
    await runSession('before');
    await forceFlushTelemetry();
    expect(getTelemetryExportStats().failed).toBe(SPANS_PER_SESSION);

    const restarted = await Receiver.start(['grpc'], { grpc: port });
    try {
      await runSession('after');
      await forceFlushTelemetry();
      const spans = await restarted.waitForCount('e2e-restart', SPANS_PER_SESSION);
      expect(spans.filter((span) => span.name === 'aact').map((span) => span.attributes['response'])).toEqual([
        'answer to after 1',
        'answer to after 2',
      ]);
      expect(getTelemetryExportStats()).toMatchObject({ exported: SPANS_PER_SESSION, failed: SPANS_PER_SESSION });
    } finally {
      await restarted.close();
    }
  });
});
