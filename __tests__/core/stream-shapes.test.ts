import { SpanStatusCode } from '@opentelemetry/api';
import { traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

class StreamBroke extends Error {}

type Chunk = { id?: string; model?: string; delta?: string; finish_reason?: string; usage?: unknown };

const CHUNKS: Chunk[] = [
  { id: 'r-1', model: 'm-1', delta: 'a' },
  { id: 'r-2', model: 'm-2', delta: 'b', finish_reason: 'stop' },
  { delta: '', usage: { input_tokens: 4, output_tokens: 2 } },
];

/** An SDK-like stream: async-iterable, no `next`, with its own methods and a `return()` that is observable. */
class SdkStream {
  returned = 0;
  readonly controller = new AbortController();
  constructor(
    private readonly chunks: readonly Chunk[],
    private readonly failAt?: number,
    private readonly onStep?: () => void,
  ) {}
  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    let index = 0;
    return {
      next: async () => {
        this.onStep?.();
        if (index === this.failAt) throw new StreamBroke('mid-stream');
        return index < this.chunks.length
          ? { done: false, value: this.chunks[index++]! }
          : { done: true, value: undefined };
      },
      return: async () => {
        this.returned++;
        return { done: true, value: undefined };
      },
    };
  }
  extra(): string {
    return 'still works';
  }
}

class Backend {
  modelId = 'm';
  failAt?: number;

  @traceBackend('chat')
  async iterable(): Promise<SdkStream> {
    return new SdkStream(CHUNKS, this.failAt, () => this.child());
  }

  @traceBackend('chat')
  iterableNow(): SdkStream {
    return new SdkStream(CHUNKS, this.failAt);
  }

  @traceBackend('chat')
  async promisedGenerator(): Promise<AsyncGenerator<Chunk>> {
    return (async function* () {
      yield* CHUNKS;
    })();
  }

  @traceBackend('chat')
  readable(): ReadableStream<Chunk> {
    let index = 0;
    return new ReadableStream<Chunk>({
      pull(controller) {
        if (index < CHUNKS.length) controller.enqueue(CHUNKS[index++]!);
        else controller.close();
      },
    });
  }

  @traceBackend('chat')
  frozen(): unknown {
    return Object.freeze(new SdkStream(CHUNKS));
  }

  @traceApplication('child')
  child(): void {}
}

const EXPECTED = {
  'gen_ai.response.id': 'r-1',
  'gen_ai.response.model': 'm-1',
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 4,
  'gen_ai.usage.output_tokens': 2,
  'gen_ai.usage.total_tokens': 6,
};

async function drain(stream: AsyncIterable<Chunk>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.delta ?? '';
  return text;
}

describe('stream shapes', () => {
  it('a promise of an async iterable without next: the same object, open until read, chunks read', async () => {
    const stream = await new Backend().iterable();
    expect(stream).toBeInstanceOf(SdkStream);
    expect(stream.extra()).toBe('still works');
    expect(tracing.spansNamed('chat')).toHaveLength(0);
    expect(await drain(stream)).toBe('ab');
    expect(tracing.span('chat').attributes).toMatchObject(EXPECTED);
  });

  it('each step runs with the span active: work done to produce a chunk nests under it', async () => {
    await drain(await new Backend().iterable());
    expect(spanShape(tracing.tree())).toEqual([['chat', [['child'], ['child'], ['child'], ['child']]]]);
  });

  it('break: ends once, not ERROR, and the stream’s own return() runs', async () => {
    const stream = new Backend().iterableNow();
    for await (const _ of stream) break;
    expect(stream.returned).toBe(1);
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.id']).toBe('r-1');
  });

  it('an error mid-stream: ERROR, error.type, the consumer gets the very same error', async () => {
    const backend = new Backend();
    backend.failAt = 1;
    const stream = backend.iterableNow();
    let caught: unknown;
    try {
      await drain(stream);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StreamBroke);
    const span = tracing.span('chat');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'mid-stream' });
    expect(span.attributes['error.type']).toBe('StreamBroke');
    expect(span.attributes['gen_ai.response.id']).toBe('r-1');
  });

  it('a second iteration of the same iterable is not traced again (one span)', async () => {
    const stream = new Backend().iterableNow();
    await drain(stream);
    await drain(stream);
    expect(tracing.spansNamed('chat')).toHaveLength(1);
  });

  it('a promise of an async generator', async () => {
    expect(await drain(await new Backend().promisedGenerator())).toBe('ab');
    expect(tracing.span('chat').attributes).toMatchObject(EXPECTED);
  });

  it('a web ReadableStream read with getReader()', async () => {
    const stream = new Backend().readable();
    expect(stream).toBeInstanceOf(ReadableStream);
    const reader = stream.getReader();
    const seen: string[] = [];
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      expect(tracing.spansNamed('chat')).toHaveLength(0);
      seen.push(step.value.delta ?? '');
    }
    expect(seen.join('')).toBe('ab');
    expect(tracing.span('chat').attributes).toMatchObject(EXPECTED);
  });

  it('a web ReadableStream read with for await, and one cancelled by its reader', async () => {
    expect(await drain(new Backend().readable())).toBe('ab');
    expect(tracing.span('chat').attributes).toMatchObject(EXPECTED);
    tracing.reset();
    const reader = new Backend().readable().getReader();
    await reader.read();
    await reader.cancel();
    expect(tracing.span('chat').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a web ReadableStream piped through a transform: the span follows the output', async () => {
    const piped = new Backend().readable().pipeThrough(new TransformStream<Chunk, Chunk>());
    expect(await drain(piped)).toBe('ab');
    expect(tracing.span('chat').attributes).toMatchObject(EXPECTED);
  });

  it('a frozen stream cannot be instrumented: the span ends at once, the object is untouched', async () => {
    const stream = new Backend().frozen() as SdkStream;
    expect(Object.isFrozen(stream)).toBe(true);
    expect(tracing.spansNamed('chat')).toHaveLength(1);
    expect(await drain(stream)).toBe('ab');
  });

  it('plain objects with a then that is not a function, or a next without an iterator, are plain values', async () => {
    class Plain {
      @traceBackend('chat')
      run(value: unknown): unknown {
        return value;
      }
    }
    // biome-ignore lint/suspicious/noThenProperty: a non-function `then` is one of the shapes under test
    const odd = { then: 1, next: () => ({ done: true }), usage: { input_tokens: 1, output_tokens: 1 } };
    expect(new Plain().run(odd)).toBe(odd);
    expect(tracing.span('chat').attributes['gen_ai.usage.total_tokens']).toBe(2);
  });
});
