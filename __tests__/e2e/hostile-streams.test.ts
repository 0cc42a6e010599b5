/**
 * Streams the built-in backends cannot be hurt by, in child processes with tracing exported to a real receiver:
 * a server that floods SSE `data:` lines without ever ending an event gets a typed error (span ERROR) with the
 * heap growth bounded; a stream iterator the app drops without return() does not keep a finished process alive.
 */
import { join } from 'node:path';
import { startWireServer, type WireServer } from '../backends/wire-server';
import { FIXTURES, printed, runChild, startChild } from './support/child';
import { Receiver } from './support/receiver';

jest.setTimeout(60_000);

const SCRIPT = join(FIXTURES, 'hostile-stream.ts');
let receiver: Receiver;
let model: WireServer;

beforeAll(async () => {
  receiver = await Receiver.start(['grpc']);
  model = await startWireServer((request, res) => {
    const text = JSON.stringify(request.body);
    res.on('error', () => undefined);
    if (text.includes('flood')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const line = `data: ${'x'.repeat(64 * 1024)}\n`;
      const pump = (): void => {
        while (!res.destroyed && res.write(line));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    } else {
      // One event, then the connection stays open with nothing more to say.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        `data: ${JSON.stringify({ id: 'c1', model: 'm', choices: [{ index: 0, delta: { content: 'hi' } }] })}\n\n`,
      );
    }
  });
});
afterAll(async () => {
  await model.close();
  await receiver.close();
});

const traced = () => ({
  MELLEA_TRACE_APPLICATION: 'true',
  MELLEA_TRACE_BACKEND: 'true',
  MELLEA_TRACE_FLUSH_TIMEOUT: '1500',
  MODEL_URL: model.url,
});

it('an SSE event that never ends: BackendStreamLimitError, chat span ERROR, heap growth bounded', async () => {
  const result = await runChild(SCRIPT, {
    args: ['flood'],
    nodeArgs: ['--expose-gc'],
    env: { ...traced(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_SERVICE_NAME: 'hostile-flood' },
  });
  const outcome = printed<{ error: string; limit: string; growth: number }>(result.stdout, 'result');
  console.log(`SSE flood: heap growth peak ${(outcome.growth / 1024 / 1024).toFixed(1)} MiB`);
  expect(outcome).toMatchObject({ error: 'BackendStreamLimitError', limit: 'event' });
  // The event limit is 8 Mi characters: a few copies of it in flight, not the 1.4 GB the unbounded reader reached.
  expect(outcome.growth).toBeLessThan(128 * 1024 * 1024);
  const spans = await receiver.waitForSpans('hostile-flood', (received) => received.some((s) => s.name === 'chat'));
  const chat = spans.find((span) => span.name === 'chat')!;
  expect(chat.status).toBe('STATUS_CODE_ERROR');
  expect(chat.attributes['error.type']).toBe('BackendStreamLimitError');
});

it('a stream iterator dropped without return() does not hold the finished process open', async () => {
  const child = startChild(SCRIPT, {
    args: ['drop'],
    env: { ...traced(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_SERVICE_NAME: 'hostile-drop' },
  });
  const result = await child.exited;
  const afterDropMs = Date.now() - printed<number>(result.stdout, 'dropped');
  console.log(`dropped stream iterator: exit ${afterDropMs} ms after the drop`);
  expect(result.code).toBe(0);
  // The request timeout is 5 minutes; the flush bound 1.5 s.
  expect(afterDropMs).toBeLessThan(1500 + 1000);
});
