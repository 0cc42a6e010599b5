/**
 * Where the metrics' times come from: a recorded SDK span's own start and duration (so the duration point is
 * exactly the span's), or the clock when the span records nothing (backend tracing off, or sampled out).
 */
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { OPERATION_CHAT, traceBackend } from 'mellea-telemetry';
import { createTestTracing, type TestTracing } from 'mellea-telemetry/testing';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class Slow {
  modelId = 'slow-1';
  @traceBackend(OPERATION_CHAT)
  async chat(_action: unknown, _ctx: unknown): Promise<unknown> {
    await sleep(25);
    return { value: 'ok', model: 'slow-1b', usage: { inputTokens: 3, outputTokens: 2 } };
  }

  @traceBackend(OPERATION_CHAT)
  async *stream(_action: unknown, _ctx: unknown): AsyncGenerator<unknown> {
    yield { delta: '' }; // framing, no content
    await sleep(25);
    yield { delta: 'Hi' };
    await sleep(25);
    yield { delta: '', usage: { inputTokens: 3, outputTokens: 1 }, finishReasons: ['stop'] };
  }
}

const seconds = ([whole, nanos]: [number, number]): number => whole + nanos / 1e9;

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // consume
  }
}

describe('a recorded span', () => {
  let tracing: TestTracing;
  beforeAll(() => {
    tracing = createTestTracing({ metrics: true });
  });
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());

  it("the duration point is the span's own duration, to the nanosecond", async () => {
    await new Slow().chat({}, []);
    await new Slow().chat({}, []);
    const [duration] = await tracing.metric('gen_ai.client.operation.duration');
    expect(duration!.count).toBe(2);
    const spanSeconds = tracing.spans.map((span) => seconds(span.duration));
    expect(duration!.value).toBeCloseTo(spanSeconds[0]! + spanSeconds[1]!, 9);
    expect(duration!.value).toBeGreaterThanOrEqual(0.045);
  });

  it("a stream: time to first chunk counts from the span's start, the duration to its end", async () => {
    await drain(new Slow().stream({}, []));
    const [ttfc] = await tracing.metric('gen_ai.client.operation.time_to_first_chunk');
    const [duration] = await tracing.metric('gen_ai.client.operation.duration');
    const [span] = tracing.spans;
    expect(duration!.value).toBeCloseTo(seconds(span!.duration), 9);
    expect(ttfc!.value).toBeGreaterThanOrEqual(0.02);
    expect(ttfc!.value).toBeLessThan(duration!.value - 0.015);
    // Later attribute maps override earlier ones key by key: the final chunk's usage, the request model kept.
    expect(ttfc!.attributes['gen_ai.request.model']).toBe('slow-1');
    const usage = await tracing.metric('gen_ai.client.token.usage');
    expect(usage.map((point) => [point.attributes['gen_ai.token.type'], point.value]).sort()).toEqual([
      ['input', 3],
      ['output', 1],
    ]);
  });
});

describe.each([
  ['backend tracing off', { metrics: true, backend: false }],
  ['sampled out', { metrics: true, sampler: new AlwaysOffSampler() }],
] as const)('a span that records nothing (%s): the clock', (_label, options) => {
  let tracing: TestTracing;
  beforeAll(() => {
    tracing = createTestTracing(options);
  });
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());

  it('measures the call and the stream all the same', async () => {
    await new Slow().chat({}, []);
    await drain(new Slow().stream({}, []));
    expect(tracing.spans).toEqual([]);
    // Two series: the call's result names its response model, the stream's chunks do not.
    const durations = await tracing.metric('gen_ai.client.operation.duration');
    const byResponseModel = new Map(durations.map((point) => [point.attributes['gen_ai.response.model'], point]));
    expect([...byResponseModel.keys()].sort()).toEqual(['slow-1b', undefined]);
    for (const point of durations) expect(point.count).toBe(1);
    // 25 ms for the call, 50 ms for the stream (timers may fire a little early, never much).
    expect(byResponseModel.get('slow-1b')!.value).toBeGreaterThanOrEqual(0.02);
    expect(byResponseModel.get(undefined)!.value).toBeGreaterThanOrEqual(0.045);
    expect(byResponseModel.get(undefined)!.value).toBeLessThan(10);
    const [ttfc] = await tracing.metric('gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc!.count).toBe(1);
    expect(ttfc!.value).toBeGreaterThanOrEqual(0.02);
    expect(ttfc!.attributes['gen_ai.response.model']).toBeUndefined();
    expect(ttfc!.attributes['gen_ai.request.model']).toBe('slow-1');
  });
});
