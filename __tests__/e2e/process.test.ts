/**
 * Whole-process behaviour, in child processes exporting to a real OTLP receiver in this process: a script that
 * ends without calling shutdown still delivers; SIGTERM flushes and still kills with the usual signal; a down
 * collector costs nothing but one warning; memory stays bounded; console and OTLP output side by side; OTLP/HTTP.
 */
import { join } from 'node:path';
import { SPANS_PER_SESSION } from './fixtures/session';
import { FIXTURES, printed, runChild, startChild, telemetryWarnings } from './support/child';
import { closedPort, hungServer, only, Receiver } from './support/receiver';

jest.setTimeout(60_000);

const SCRIPT = join(FIXTURES, 'short-script.ts');
const TRACED = { MELLEA_TRACE_APPLICATION: 'true', MELLEA_TRACE_BACKEND: 'true' };

let receiver: Receiver;
beforeAll(async () => (receiver = await Receiver.start(['grpc', 'http'])));
afterAll(() => receiver.close());

const expectedResults = (mode: string, count: number): string[][] =>
  Array.from({ length: count }, (_, i) => [`answer to ${mode} ${i} 1`, `answer to ${mode} ${i} 2`]);

describe('Exit: spans are flushed without an explicit shutdown', () => {
  it('a script that simply ends delivers every span (beforeExit flush), exit code 0', async () => {
    const result = await runChild(SCRIPT, {
      args: ['end', '3'],
      env: { ...TRACED, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_SERVICE_NAME: 'exit-end' },
    });
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(printed(result.stdout, 'results')).toEqual(expectedResults('end', 3));
    // The receiver got the spans before the child exited; the wait only covers decoding on this side.
    const spans = await receiver.waitForCount('exit-end', 3 * SPANS_PER_SESSION);
    expect(spans.filter((span) => span.name === 'session_context')).toHaveLength(3);
    expect(telemetryWarnings(result.stderr)).toEqual([]);
  });

  it('killed with SIGTERM: pending spans are delivered, then the process dies of SIGTERM as usual', async () => {
    const child = startChild(SCRIPT, {
      args: ['wait', '2'],
      // A long batch delay: without the signal flush these spans would still be queued.
      env: {
        ...TRACED,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
        OTEL_SERVICE_NAME: 'exit-sigterm',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
    });
    await child.waitForLine(/^ready$/);
    expect(receiver.spansOf('exit-sigterm')).toEqual([]);
    child.process.kill('SIGTERM');
    const result = await child.exited;
    expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(await receiver.waitForCount('exit-sigterm', 2 * SPANS_PER_SESSION)).toHaveLength(2 * SPANS_PER_SESSION);
  });

  it('SIGINT likewise', async () => {
    const child = startChild(SCRIPT, {
      args: ['wait', '1'],
      env: {
        ...TRACED,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
        OTEL_SERVICE_NAME: 'exit-sigint',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
    });
    await child.waitForLine(/^ready$/);
    child.process.kill('SIGINT');
    expect(await child.exited).toMatchObject({ code: null, signal: 'SIGINT' });
    expect(await receiver.waitForCount('exit-sigint', SPANS_PER_SESSION)).toHaveLength(SPANS_PER_SESSION);
  });

  it('an application SIGTERM handler keeps control: its exit code, not a second kill', async () => {
    const child = startChild(SCRIPT, {
      args: ['app-handler', '1'],
      env: { ...TRACED, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_SERVICE_NAME: 'exit-app-handler' },
    });
    await child.waitForLine(/^ready$/);
    child.process.kill('SIGTERM');
    const result = await child.exited;
    expect(result).toMatchObject({ code: 3, signal: null });
    expect(result.stdout).toContain('app handler');
  });

  it('MELLEA_TRACE_FLUSH_ON_EXIT=false opts out: SIGTERM keeps its default effect and queued spans stay unsent', async () => {
    const child = startChild(SCRIPT, {
      args: ['wait', '1'],
      env: {
        ...TRACED,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
        OTEL_SERVICE_NAME: 'exit-opt-out',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        MELLEA_TRACE_FLUSH_ON_EXIT: 'false',
      },
    });
    await child.waitForLine(/^ready$/);
    child.process.kill('SIGTERM');
    expect(await child.exited).toMatchObject({ code: null, signal: 'SIGTERM' });
    // A control script to the same receiver proves the receiver is live; the opted-out spans never came.
    await runChild(SCRIPT, {
      args: ['end', '1'],
      env: { ...TRACED, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_SERVICE_NAME: 'exit-control' },
    });
    await receiver.waitForCount('exit-control', SPANS_PER_SESSION);
    expect(receiver.spansOf('exit-opt-out')).toEqual([]);
  });

  it('a collector that hangs cannot hold a finished script open past MELLEA_TRACE_FLUSH_TIMEOUT', async () => {
    const hung = await hungServer();
    try {
      const started = Date.now();
      const result = await runChild(SCRIPT, {
        args: ['end', '1'],
        env: {
          ...TRACED,
          OTEL_EXPORTER_OTLP_ENDPOINT: hung.endpoint,
          OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
          MELLEA_TRACE_FLUSH_TIMEOUT: '500',
        },
      });
      expect(result).toMatchObject({ code: 0, signal: null });
      expect(printed(result.stdout, 'results')).toEqual(expectedResults('end', 1));
      expect(hung.connections()).toBeGreaterThan(0);
      // The exporter alone would keep the process alive for its 60 s deadline; the exit flush caps it at ~0.5 s.
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await hung.close();
    }
  });

  it('SIGTERM while the collector hangs: the flush gives up at the bound and the signal still kills', async () => {
    const hung = await hungServer();
    try {
      const child = startChild(SCRIPT, {
        args: ['wait', '1'],
        env: {
          ...TRACED,
          OTEL_EXPORTER_OTLP_ENDPOINT: hung.endpoint,
          OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
          MELLEA_TRACE_FLUSH_TIMEOUT: '500',
        },
      });
      await child.waitForLine(/^ready$/);
      const signalled = Date.now();
      child.process.kill('SIGTERM');
      expect(await child.exited).toMatchObject({ code: null, signal: 'SIGTERM' });
      expect(Date.now() - signalled).toBeLessThan(30_000);
    } finally {
      await hung.close();
    }
  });
});

describe('Down: nothing listens on the endpoint', () => {
  it('same results, exit code 0, exactly one warning and it names the endpoint (header values never printed)', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const result = await runChild(SCRIPT, {
      args: ['end', '3'],
      env: { ...TRACED, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr3t-value' },
    });
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(printed(result.stdout, 'results')).toEqual(expectedResults('end', 3));
    const warnings = telemetryWarnings(result.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(endpoint);
    expect(result.stderr).not.toContain('s3cr3t-value');
  });

  it('memory stays bounded while spans keep coming; the queue limit holds and every span is accounted for', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const sessions = 3000;
    const result = await runChild(SCRIPT, {
      args: ['memory', String(sessions)],
      nodeArgs: ['--expose-gc'],
      env: {
        ...TRACED,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50',
        MELLEA_TRACE_FLUSH_ON_EXIT: 'false',
      },
    });
    expect(result).toMatchObject({ code: 0 });
    const heap = printed<{
      before: number;
      peakHeap: number;
      peakQueued: number;
      spans: number;
      stats: Record<string, number>;
    }>(result.stdout, 'heap');
    const { exported, failed, dropped, queued, inFlight } = heap.stats as {
      exported: number;
      failed: number;
      dropped: number;
      queued: number;
      inFlight: number;
    };
    expect(heap.peakQueued).toBeLessThanOrEqual(100);
    expect(dropped).toBeGreaterThan(0);
    expect(exported).toBe(0);
    expect(exported + failed + dropped + queued + inFlight).toBe(heap.spans);
    // Measured here: bounded, the heap peaks ~1 MB above the warm-up; with an unbounded queue the same run holds
    // thousands of spans and peaks 5 MB+ above it.
    expect(heap.peakHeap - heap.before).toBeLessThan(4 * 1024 * 1024);
    expect(telemetryWarnings(result.stderr).some((warning) => warning.includes('OTEL_BSP_MAX_QUEUE_SIZE=100'))).toBe(
      true,
    );
  });
});

describe('Console and protocols', () => {
  it('MELLEA_TRACE_CONSOLE=true prints every span in the OpenTelemetry console format, alongside OTLP', async () => {
    const result = await runChild(SCRIPT, {
      args: ['end', '1'],
      env: {
        ...TRACED,
        MELLEA_TRACE_CONSOLE: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
        OTEL_SERVICE_NAME: 'console-and-otlp',
      },
    });
    expect(result.code).toBe(0);
    // ConsoleSpanExporter prints one object per span with these fields.
    for (const name of ['session_context', 'aact', 'chat', 'requirement_validation'])
      expect(result.stdout).toContain(`name: '${name}'`);
    expect(result.stdout.match(/^ {2}traceId: '[0-9a-f]{32}',$/gm)).toHaveLength(SPANS_PER_SESSION);
    expect(result.stdout).toContain("'gen_ai.system': 'ollama'");
    expect(result.stdout).toContain("'service.name': 'console-and-otlp'");
    expect(await receiver.waitForCount('console-and-otlp', SPANS_PER_SESSION)).toHaveLength(SPANS_PER_SESSION);
  });

  it('the console alone works without any endpoint', async () => {
    const result = await runChild(SCRIPT, { args: ['end', '1'], env: { ...TRACED, MELLEA_TRACE_CONSOLE: 'true' } });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^ {2}traceId: '[0-9a-f]{32}',$/gm)).toHaveLength(SPANS_PER_SESSION);
    expect(telemetryWarnings(result.stderr)).toEqual([]);
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf delivers the same tree with headers', async () => {
    const result = await runChild(SCRIPT, {
      args: ['end', '1'],
      env: {
        ...TRACED,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=http-key',
        OTEL_SERVICE_NAME: 'http-protobuf',
      },
    });
    expect(result.code).toBe(0);
    const spans = await receiver.waitForCount('http-protobuf', SPANS_PER_SESSION);
    const root = only(spans, 'session_context');
    expect(spans.filter((span) => span.parentSpanId === root.spanId).map((span) => span.name)).toEqual([
      'aact',
      'aact',
    ]);
    expect(only(spans.filter((span) => span.name === 'chat').slice(0, 1), 'chat').attributes['gen_ai.system']).toBe(
      'ollama',
    );
    expect(receiver.headers).toContainEqual(
      expect.objectContaining({ 'x-api-key': 'http-key', 'content-type': 'application/x-protobuf' }),
    );
  });
});
