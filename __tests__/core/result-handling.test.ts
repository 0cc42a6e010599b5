import { SpanStatusCode, trace } from '@opentelemetry/api';
import { traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { modelOutput } from '../support/fixtures';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

class BadRequestError extends Error {}

class Backend {
  modelId = 'm';
  result: unknown;
  error: unknown;

  @traceBackend('chat')
  syncCall(): unknown {
    if (this.error !== undefined) throw this.error;
    return this.result;
  }

  @traceBackend('chat')
  async asyncCall(): Promise<unknown> {
    await Promise.resolve();
    if (this.error !== undefined) throw this.error;
    return this.result;
  }

  @traceBackend('chat')
  async *stream(failAt?: number): AsyncGenerator<Record<string, unknown>> {
    yield { delta: 'Hel', id: 'resp-9', model: 'm-1' };
    // Work done inside a step nests under the span.
    tracing.spans; // (touch nothing; keep the body honest)
    yield { delta: 'lo', finishReasons: ['stop'] };
    if (failAt === 2) throw new BadRequestError('stream broke');
    yield { delta: '', usage: { inputTokens: 5, outputTokens: 2 } };
  }

  @traceBackend('chat')
  async *streamWithChild(): AsyncGenerator<string> {
    yield 'a';
    yield this.child();
  }

  @traceApplication('child')
  child(): string {
    return 'b';
  }
}

describe('how a traced call ends', () => {
  it('a sync method stays sync and returns the exact result object', () => {
    const backend = new Backend();
    backend.result = modelOutput('x');
    const returned = backend.syncCall();
    expect(returned).toBe(backend.result);
    expect(returned).not.toBeInstanceOf(Promise);
    expect(tracing.span('chat').ended).toBe(true);
  });

  it('a sync throw records the exception, ERROR status and error.type, then rethrows the same error', () => {
    const backend = new Backend();
    const error = new BadRequestError('bad');
    backend.error = error;
    let caught: unknown;
    try {
      backend.syncCall();
    } catch (thrown) {
      caught = thrown;
    }
    expect(caught).toBe(error);
    const span = tracing.span('chat');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad' });
    expect(span.attributes['error.type']).toBe('BadRequestError');
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
    expect(span.events[0]!.attributes?.['exception.message']).toBe('bad');
  });

  it('a resolved promise resolves to the exact object and ends the span when it settles', async () => {
    const backend = new Backend();
    backend.result = modelOutput('y');
    const pending = backend.asyncCall();
    expect(tracing.spans).toHaveLength(0);
    expect(await pending).toBe(backend.result);
    expect(tracing.span('chat').attributes['gen_ai.response.id']).toBe('resp-1');
  });

  it('a rejection ends the span with ERROR and rejects with the same error', async () => {
    const backend = new Backend();
    const error = new TypeError('nope');
    backend.error = error;
    await expect(backend.asyncCall()).rejects.toBe(error);
    expect(tracing.span('chat').attributes['error.type']).toBe('TypeError');
  });

  it('a thrown non-Error value is rethrown unchanged and typed _OTHER', async () => {
    const backend = new Backend();
    backend.error = 'just a string';
    await expect(backend.asyncCall()).rejects.toBe('just a string');
    expect(tracing.span('chat').attributes['error.type']).toBe('_OTHER');
    expect(tracing.span('chat').status.message).toBe('just a string');
  });

  it('a custom thenable / Promise subclass is returned as is (its extra methods stay usable)', async () => {
    class APIPromise<T> extends Promise<T> {
      withResponse(): string {
        return 'extra';
      }
    }
    class Client {
      @traceBackend('chat')
      call(): APIPromise<unknown> {
        return new APIPromise((resolve) => setImmediate(() => resolve(modelOutput('z'))));
      }
    }
    const returned = new Client().call();
    expect(returned).toBeInstanceOf(APIPromise);
    expect(returned.withResponse()).toBe('extra');
    await returned;
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracing.span('chat').attributes['gen_ai.usage.input_tokens']).toBe(150);
  });

  describe('async generator results', () => {
    it('stay open until exhausted, returning the same generator object; chunks give the attributes', async () => {
      const backend = new Backend();
      const generator = backend.stream();
      expect(typeof generator.next).toBe('function');
      const deltas: unknown[] = [];
      for await (const chunk of generator) {
        deltas.push(chunk.delta);
        expect(tracing.spans).toHaveLength(0);
      }
      expect(deltas).toEqual(['Hel', 'lo', '']);
      expect(tracing.span('chat').attributes).toMatchObject({
        'gen_ai.response.id': 'resp-9',
        'gen_ai.response.model': 'm-1',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.usage.output_tokens': 2,
        'gen_ai.usage.total_tokens': 7,
      });
    });

    it('end when the consumer breaks early', async () => {
      for await (const chunk of new Backend().stream()) {
        expect(chunk.delta).toBe('Hel');
        break;
      }
      const span = tracing.span('chat');
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes['gen_ai.response.id']).toBe('resp-9');
    });

    it('end with ERROR when the stream throws mid-way, and the consumer sees the same error', async () => {
      const seen: unknown[] = [];
      await expect(
        (async () => {
          for await (const chunk of new Backend().stream(2)) seen.push(chunk.delta);
        })(),
      ).rejects.toThrow(BadRequestError);
      expect(seen).toEqual(['Hel', 'lo']);
      expect(tracing.span('chat').attributes['error.type']).toBe('BadRequestError');
    });

    it('end when return() is called directly', async () => {
      const generator = new Backend().stream();
      await generator.next();
      await generator.return(undefined);
      expect(tracing.span('chat').ended).toBe(true);
    });

    it('make the span active during each step, so work inside nests under it', async () => {
      const values: string[] = [];
      for await (const value of new Backend().streamWithChild()) values.push(value);
      expect(values).toEqual(['a', 'b']);
      expect(spanShape(tracing.tree())).toEqual([['chat', [['child']]]]);
    });

    it('end exactly once however they finish', async () => {
      const generator = new Backend().stream();
      for await (const _ of generator) break;
      await generator.return(undefined);
      await generator.next();
      expect(tracing.spans).toHaveLength(1);
    });
  });

  it('the span is active while a method runs', async () => {
    let activeInside: string | undefined;
    class S {
      @traceApplication('outer')
      async run(): Promise<void> {
        await Promise.resolve();
        activeInside = trace.getActiveSpan()?.spanContext().spanId;
      }
    }
    await new S().run();
    expect(activeInside).toBe(tracing.span('outer').spanContext().spanId);
  });
});
