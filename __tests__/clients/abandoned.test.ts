/**
 * Streams nobody finishes: a stream object collected before its consumer was done ends its span, marked
 * `mellea.stream.abandoned` (status UNSET); one still open when the process ends is ended by the exit flush and
 * exported — without keeping the process alive.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SpanStatusCode } from '@opentelemetry/api';
import { traceBackend } from 'mellea-telemetry';
import { abandonOpenStreams, openStreamCount } from '../../src/open-streams';
import { useTestTracing } from '../backends/fixtures';
import { useWireServer } from '../backends/wire-server';
import { runChild } from '../e2e/support/child';
import { Receiver } from '../e2e/support/receiver';
import { serveOpenAiSse } from './wire';

jest.setTimeout(60_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const tracing = useTestTracing();

class Backend {
  readonly modelId = 'm';

  @traceBackend('chat')
  async stream(): Promise<AsyncIterable<{ id: string; usage?: unknown }>> {
    return {
      async *[Symbol.asyncIterator]() {
        yield { id: 'resp-1' };
        yield { id: 'resp-1', usage: { input_tokens: 3, output_tokens: 4 } };
      },
    };
  }
}

async function collectUntil(done: () => boolean): Promise<void> {
  for (let round = 0; round < 50 && !done(); round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('abandoned streams, in process', () => {
  it('a stream that is never iterated ends its span when it is collected: abandoned, not ERROR', async () => {
    await (async () => {
      await new Backend().stream();
    })();
    expect(tracing.spans).toHaveLength(0);
    await collectUntil(() => tracing.spans.length > 0);
    const span = tracing.span('chat');
    expect(span.attributes['mellea.stream.abandoned']).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(openStreamCount()).toBe(0);
  });

  it('a stream dropped mid-way keeps what its chunks said', async () => {
    await (async () => {
      const iterator = (await new Backend().stream())[Symbol.asyncIterator]();
      await iterator.next();
    })();
    await collectUntil(() => tracing.spans.length > 0);
    const span = tracing.span('chat');
    expect(span.attributes).toMatchObject({ 'gen_ai.response.id': 'resp-1', 'mellea.stream.abandoned': true });
  });

  it('a stream read to the end is not abandoned and is not tracked any more', async () => {
    for await (const _ of await new Backend().stream());
    expect(tracing.span('chat').attributes['mellea.stream.abandoned']).toBeUndefined();
    expect(openStreamCount()).toBe(0);
  });

  it('still open at shutdown / exit: ended there, marked abandoned', async () => {
    const kept = await new Backend().stream();
    expect(openStreamCount()).toBe(1);
    expect(abandonOpenStreams()).toBe(1);
    expect(tracing.span('chat').attributes['mellea.stream.abandoned']).toBe(true);
    // Read afterwards, it still works; the span is not ended twice.
    const ids: string[] = [];
    for await (const chunk of kept) ids.push(chunk.id);
    expect(ids).toEqual(['resp-1', 'resp-1']);
    expect(tracing.spans).toHaveLength(1);
  });
});

describe('abandoned streams, whole process (real openai client, real OTLP receiver)', () => {
  const server = useWireServer((_request, res) =>
    serveOpenAiSse(res, [
      { id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [], usage: null },
    ]),
  );
  let receiver: Receiver;
  beforeAll(async () => (receiver = await Receiver.start(['grpc'])));
  afterAll(() => receiver.close());

  it.each(['unread', 'dropped'])(
    'a %s stream: the process exits by itself and the exit flush exports the span, abandoned',
    async (mode) => {
      const service = `abandoned-${mode}`;
      const result = await runChild(`${__dirname}/fixtures/unread-stream.ts`, {
        args: [mode],
        env: {
          MELLEA_TRACE_BACKEND: 'true',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
          OTEL_SERVICE_NAME: service,
          OPENAI_BASE_URL: `${server.url}/v1`,
        },
      });
      expect(result).toMatchObject({ code: 0, signal: null });
      expect(result.stdout).toContain('ready');
      const [span] = await receiver.waitForCount(service, 1);
      expect(span!.name).toBe('chat');
      expect(span!.attributes['mellea.stream.abandoned']).toBe(true);
      expect(span!.status).not.toBe('STATUS_CODE_ERROR');
      if (mode === 'dropped') expect(span!.attributes['gen_ai.response.id']).toBe('chatcmpl-1');
    },
  );
});
