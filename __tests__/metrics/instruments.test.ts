import { GEN_AI_LATEST, OPERATION_CHAT, traceBackend } from 'mellea-telemetry';
import {
  Message,
  RejectionSamplingStrategy,
  Requirement,
  ScriptedBackend,
  Session,
  SimpleContext,
} from 'mellea-telemetry/runtime';
import { createTestTracing, type MetricPoint } from 'mellea-telemetry/testing';

const tracing = createTestTracing({ metrics: true });
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

const byTokenType = (points: MetricPoint[], type: string): MetricPoint | undefined =>
  points.find((point) => point.attributes['gen_ai.token.type'] === type);

/** The bucket a value falls in: counts are per (previous boundary, boundary]. */
function bucketOf(value: number, boundaries: readonly number[]): number {
  const index = boundaries.findIndex((boundary) => value <= boundary);
  return index < 0 ? boundaries.length : index;
}

describe('gen_ai.client.* for a chat call', () => {
  it('token usage: histogram {token}, one point per token type, advised buckets, call attributes', async () => {
    const backend = new ScriptedBackend({ modelId: 'granite-4' });
    const output = await backend.generateFromContext(new Message('user', 'Hello there'), new SimpleContext());
    const usage = await tracing.metric('gen_ai.client.token.usage');
    expect(usage).toHaveLength(2);
    const input = byTokenType(usage, 'input')!;
    const outputPoint = byTokenType(usage, 'output')!;
    for (const point of usage) {
      expect(point).toMatchObject({ type: 'histogram', unit: '{token}', count: 1, boundaries: TOKEN_BUCKETS });
      expect(point.bucketCounts).toHaveLength(TOKEN_BUCKETS.length + 1);
    }
    expect(input.value).toBe(output.usage!.inputTokens);
    expect(outputPoint.value).toBe(output.usage!.outputTokens);
    expect(input.bucketCounts![bucketOf(output.usage!.inputTokens, TOKEN_BUCKETS)]).toBe(1);
    expect(input.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'scripted',
      'gen_ai.request.model': 'granite-4',
      'gen_ai.response.model': 'granite-4',
      'gen_ai.token.type': 'input',
    });
  });

  it('operation duration: histogram s, one point per call, equal to the span duration (within the clock step)', async () => {
    const backend = new ScriptedBackend();
    await backend.generateFromContext(new Message('user', 'one'), new SimpleContext());
    await backend.generateFromContext(new Message('user', 'two'), new SimpleContext());
    const [duration, ...rest] = await tracing.metric('gen_ai.client.operation.duration');
    expect(rest).toHaveLength(0);
    expect(duration).toMatchObject({ type: 'histogram', unit: 's', count: 2, boundaries: DURATION_BUCKETS });
    expect(duration!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'scripted',
      'gen_ai.request.model': 'scripted-1',
      'gen_ai.response.model': 'scripted-1',
    });
    const spanSeconds = tracing.spans.reduce((sum, span) => sum + span.duration[0] + span.duration[1] / 1e9, 0);
    expect(Math.abs(duration!.value - spanSeconds)).toBeLessThan(0.05);
    expect(await tracing.metric('gen_ai.client.operation.time_to_first_chunk')).toEqual([]);
  });

  it('text_completion: usage summed over the batch, operation text_completion', async () => {
    const backend = new ScriptedBackend();
    const outputs = await backend.generateFromRaw([new Message('user', 'a'), new Message('user', 'bb bb')]);
    const usage = await tracing.metric('gen_ai.client.token.usage');
    const input = byTokenType(usage, 'input')!;
    expect(input.value).toBe(outputs[0]!.usage!.inputTokens + outputs[1]!.usage!.inputTokens);
    expect(input.count).toBe(1);
    expect(input.attributes['gen_ai.operation.name']).toBe('text_completion');
    const [duration] = await tracing.metric('gen_ai.client.operation.duration');
    expect(duration!.attributes['gen_ai.operation.name']).toBe('text_completion');
  });

  it('usage is recorded only when known and > 0', async () => {
    class Quiet {
      modelId = 'm';
      @traceBackend(OPERATION_CHAT)
      async chat(_action: unknown, _ctx: unknown): Promise<unknown> {
        return { value: 'x', usage: { inputTokens: 0 } };
      }
    }
    await new Quiet().chat({}, []);
    expect(await tracing.metric('gen_ai.client.token.usage')).toEqual([]);
    expect(await tracing.metric('gen_ai.client.operation.duration')).toHaveLength(1);
  });
});

describe('a stream', () => {
  it('time to first chunk: from the call to the first chunk with content; duration until the stream ends', async () => {
    class Streaming {
      modelId = 'streamer';
      baseURL = 'http://user:secret@models.internal:8080/v1';
      @traceBackend(OPERATION_CHAT)
      async *stream(_action: unknown, _ctx: unknown): AsyncGenerator<unknown> {
        yield { id: 'r1', model: 'streamer-2', delta: '' }; // framing: role only
        await new Promise((resolve) => setTimeout(resolve, 30));
        yield { delta: 'Hello' };
        await new Promise((resolve) => setTimeout(resolve, 30));
        yield { delta: '', usage: { inputTokens: 5, outputTokens: 1 }, finishReasons: ['stop'] };
      }
    }
    const chunks: unknown[] = [];
    for await (const chunk of new Streaming().stream({}, [])) chunks.push(chunk);
    expect(chunks).toHaveLength(3);
    const [ttfc] = await tracing.metric('gen_ai.client.operation.time_to_first_chunk');
    const [duration] = await tracing.metric('gen_ai.client.operation.duration');
    expect(ttfc).toMatchObject({ type: 'histogram', unit: 's', count: 1, boundaries: DURATION_BUCKETS });
    expect(ttfc!.value).toBeGreaterThanOrEqual(0.025);
    expect(duration!.value).toBeGreaterThan(ttfc!.value);
    expect(ttfc!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'Streaming',
      'gen_ai.request.model': 'streamer',
      'gen_ai.response.model': 'streamer-2',
      'server.address': 'models.internal',
      'server.port': 8080,
    });
    expect(JSON.stringify(await tracing.metrics())).not.toContain('secret');
    const usage = await tracing.metric('gen_ai.client.token.usage');
    expect(byTokenType(usage, 'input')!.value).toBe(5);
    expect(byTokenType(usage, 'output')!.value).toBe(1);
  });

  it('the runtime ScriptedBackend stream records all three histograms', async () => {
    const backend = new ScriptedBackend();
    for await (const _chunk of backend.streamFromContext(new Message('user', 'hi'), new SimpleContext()));
    const names = new Set((await tracing.metrics()).map((point) => point.name));
    expect(names).toEqual(
      new Set([
        'gen_ai.client.token.usage',
        'gen_ai.client.operation.duration',
        'gen_ai.client.operation.time_to_first_chunk',
      ]),
    );
  });
});

describe('mellea.llm.errors', () => {
  const failures: [string, () => unknown][] = [
    ['rate_limit', () => Object.assign(new Error('slow down'), { status: 429 })],
    ['timeout', () => Object.assign(new Error('took too long'), { code: 'ETIMEDOUT' })],
    ['auth', () => Object.assign(new Error('bad key'), { status: 401 })],
    ['content_policy', () => Object.assign(new Error('filtered'), { status: 400, code: 'content_filter' })],
    ['invalid_request', () => Object.assign(new Error('no such model'), { status: 404 })],
    ['transport_error', () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })],
    ['server_error', () => Object.assign(new Error('oops'), { status: 503 })],
    ['unknown', () => new Error('something else')],
  ];
  it.each(failures)(
    '%s: counter {error} with the category, error.type and the call attributes',
    async (category, make) => {
      const error = make();
      class Failing {
        modelId = 'm1';
        @traceBackend(OPERATION_CHAT)
        async chat(_action: unknown, _ctx: unknown): Promise<never> {
          throw error;
        }
      }
      await expect(new Failing().chat({}, [])).rejects.toBe(error);
      const errorType = (error as object).constructor.name;
      expect(await tracing.metric('mellea.llm.errors')).toEqual([
        {
          name: 'mellea.llm.errors',
          unit: '{error}',
          description: expect.any(String),
          type: 'counter',
          value: 1,
          attributes: {
            'mellea.error.category': category,
            'error.type': errorType,
            'gen_ai.operation.name': 'chat',
            'gen_ai.system': 'Failing',
            'gen_ai.request.model': 'm1',
          },
        },
      ]);
      const [duration] = await tracing.metric('gen_ai.client.operation.duration');
      expect(duration!.attributes['error.type']).toBe(errorType);
    },
  );

  it('a stream that fails mid-way counts one error and its duration', async () => {
    class Broken {
      @traceBackend(OPERATION_CHAT)
      async *stream(): AsyncGenerator<unknown> {
        yield { delta: 'a' };
        throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      }
    }
    await expect(
      (async () => {
        for await (const _chunk of new Broken().stream());
      })(),
    ).rejects.toThrow('reset');
    const [errors] = await tracing.metric('mellea.llm.errors');
    expect(errors!.attributes['mellea.error.category']).toBe('transport_error');
    expect(await tracing.metric('gen_ai.client.operation.time_to_first_chunk')).toHaveLength(1);
  });
});

describe('sampling and requirement counters', () => {
  it('a rejection-sampling run with retries: attempts, successes, failures by strategy; checks by requirement', async () => {
    const backend = new ScriptedBackend({
      script: [{ match: 'haiku', reply: ['Green leaves steep slowly', 'Leaves again', 'Tea leaves unfold'] }],
    });
    const session = new Session(backend);
    const short = new Requirement('at most 10 words', (output) => output.split(/\s+/).length <= 10);
    const first = await session.instruct('Write a haiku', {
      requirements: ['mention tea', short],
      strategy: new RejectionSamplingStrategy({ loopBudget: 3 }),
    });
    expect(first.success).toBe(true);
    expect(first.sampleGenerations).toHaveLength(3);
    const second = await session.instruct('Write a poem', {
      requirements: [new Requirement('says tea', (output) => output.includes('tea'))],
      strategy: new RejectionSamplingStrategy({ loopBudget: 2 }),
    });
    expect(second.success).toBe(false);

    const strategy = { strategy: 'RejectionSamplingStrategy' };
    expect(await tracing.metric('mellea.sampling.attempts')).toEqual([
      expect.objectContaining({ type: 'counter', unit: '{attempt}', value: 5, attributes: strategy }),
    ]);
    expect(await tracing.metric('mellea.sampling.successes')).toEqual([
      expect.objectContaining({ type: 'counter', value: 1, attributes: strategy }),
    ]);
    expect(await tracing.metric('mellea.sampling.failures')).toEqual([
      expect.objectContaining({ type: 'counter', value: 1, attributes: strategy }),
    ]);
    // 3 generations × 2 requirements, then 2 × 1; the judge fails twice, the word count never, "says tea" twice.
    expect(await tracing.metric('mellea.requirement.checks')).toEqual([
      expect.objectContaining({
        type: 'counter',
        unit: '{check}',
        value: 8,
        attributes: { requirement: 'Requirement' },
      }),
    ]);
    expect(await tracing.metric('mellea.requirement.failures')).toEqual([
      expect.objectContaining({ value: 4, attributes: { requirement: 'Requirement' } }),
    ]);
    // Every backend call — generations and the model-judged checks — has its duration point.
    const [duration] = await tracing.metric('gen_ai.client.operation.duration');
    expect(duration!.count).toBe(backend.calls);
  });

  it('a named requirement or strategy is labelled by its name, never by its description', async () => {
    class Named extends Requirement {
      readonly name = 'word-limit';
    }
    const session = new Session(new ScriptedBackend());
    await session.validate([new Named('A long free-text description', () => true)], 'output');
    expect((await tracing.metric('mellea.requirement.checks'))[0]!.attributes).toEqual({ requirement: 'word-limit' });
  });
});

describe('conventions constants', () => {
  it('the v1.41.1 set names the three GenAI instruments', () => {
    expect(GEN_AI_LATEST.metrics).toEqual({
      tokenUsage: 'gen_ai.client.token.usage',
      operationDuration: 'gen_ai.client.operation.duration',
      timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
    });
  });
});
