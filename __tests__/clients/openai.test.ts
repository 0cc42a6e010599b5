/**
 * The real `openai` client (6.x) in a decorated backend, against a loopback server speaking the Chat Completions
 * wire format (JSON, and SSE with `stream_options.include_usage`): the span lasts until the consumer is done
 * with the stream, and reads usage, id, model and finish reasons from its chunks.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { traceBackend } from 'mellea-telemetry';
import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import { genAiAttributes, useTestTracing } from '../backends/fixtures';
import { sendJson, useWireServer } from '../backends/wire-server';
import {
  consumerNow,
  endedAfter,
  errorWhileReading,
  type StreamLog,
  type StreamPlan,
  serveOpenAiSse,
  sleep,
  within,
} from './wire';

const tracing = useTestTracing();
const server = useWireServer();

function chunk(choices: unknown[], usage: unknown = null) {
  return {
    id: 'chatcmpl-stream-7',
    object: 'chat.completion.chunk',
    created: 1741569953,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_06737a9306',
    choices,
    usage,
  };
}

const events = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { content: ' there!' }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  chunk([], { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }),
];

const completion = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  object: 'chat.completion',
  created: 1741569952,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
};

const streamedAttributes = {
  'gen_ai.system': 'openai',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.response.id': 'chatcmpl-stream-7',
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 12,
  'gen_ai.usage.output_tokens': 3,
  'gen_ai.usage.total_tokens': 15,
};

class OpenAIChatBackend {
  readonly modelId = 'gpt-4o-mini';
  readonly client: OpenAI;

  constructor(baseURL: string) {
    this.client = new OpenAI({ apiKey: 'sk-test', baseURL: `${baseURL}/v1`, maxRetries: 0 });
  }

  /** The natural code: an async method resolving to the SDK's `Stream`. */
  @traceBackend('chat')
  async generateFromContext(prompt: string) {
    return this.streamRequest(prompt);
  }

  /** The SDK's own `APIPromise`, handed back untouched. */
  @traceBackend('chat')
  streamDirect(prompt: string) {
    return this.streamRequest(prompt);
  }

  private streamRequest(prompt: string) {
    return this.client.chat.completions.create({
      model: this.modelId,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
    });
  }

  @traceBackend('chat')
  async complete(prompt: string) {
    return this.client.chat.completions.create({ model: this.modelId, messages: [{ role: 'user', content: prompt }] });
  }
}

function serve(plan: StreamPlan = {}, list: readonly unknown[] = events): StreamLog {
  const log: StreamLog = { lastWriteAt: 0 };
  server.handle((_request, res) => serveOpenAiSse(res, list, plan, log));
  return log;
}

describe('openai: non-streaming', () => {
  it('reads usage, id, model and finish reasons from the Chat Completions object', async () => {
    server.handle((_request, res) => sendJson(res, 200, completion));
    const result = await new OpenAIChatBackend(server.url).complete('hi');
    expect(result.choices[0]!.message.content).toBe('Hi!');
    expect(genAiAttributes(tracing.span('chat'))).toEqual({
      ...streamedAttributes,
      'gen_ai.response.id': 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      'gen_ai.usage.input_tokens': 19,
      'gen_ai.usage.output_tokens': 10,
      'gen_ai.usage.total_tokens': 29,
    });
  });
});

describe('openai: streaming', () => {
  it('an async method resolving to a Stream: the span ends after the last chunk, with the chunks’ attributes', async () => {
    const log = serve();
    const calledAt = consumerNow();
    const stream = await new OpenAIChatBackend(server.url).generateFromContext('hi');
    expect(stream).toBeInstanceOf(Stream);
    const text: string[] = [];
    let lastChunkAt = 0;
    for await (const part of stream) {
      expect(tracing.spans).toHaveLength(0);
      text.push(part.choices[0]?.delta.content ?? '');
      lastChunkAt = consumerNow();
      // The consumer's own work on each chunk: the span covers it.
      await sleep(5);
    }
    expect(text.join('')).toBe('Hello there!');
    const span = tracing.span('chat');
    expect(endedAfter(span, calledAt, lastChunkAt)).toBe(true);
    expect(endedAfter(span, calledAt, log.lastWriteAt)).toBe(true);
    expect(genAiAttributes(span)).toEqual(streamedAttributes);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('the APIPromise itself is handed back (withResponse() works) and its Stream is traced', async () => {
    serve();
    const pending = new OpenAIChatBackend(server.url).streamDirect('hi');
    expect(typeof pending.withResponse).toBe('function');
    const { data: stream, response } = await pending.withResponse();
    expect(response.status).toBe(200);
    const parts: unknown[] = [];
    for await (const part of stream) parts.push(part);
    expect(parts).toHaveLength(events.length);
    expect(genAiAttributes(tracing.span('chat'))).toEqual(streamedAttributes);
  });

  it('the SDK’s own methods keep working: toReadableStream() reads the whole stream and ends the span', async () => {
    serve();
    const stream = await new OpenAIChatBackend(server.url).generateFromContext('hi');
    expect(stream.controller).toBeInstanceOf(AbortController);
    const lines = (await new Response(stream.toReadableStream()).text()).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(events.map((event) => event.id));
    expect(genAiAttributes(tracing.span('chat'))).toEqual(streamedAttributes);
  });

  it('break: the span ends once, not ERROR, and the HTTP stream is released', async () => {
    serve({ after: 'hold' });
    const stream = await new OpenAIChatBackend(server.url).generateFromContext('hi');
    for await (const part of stream) {
      expect(part.id).toBe('chatcmpl-stream-7');
      break;
    }
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-stream-7');
    expect(await within(server.requests[0]!.closed, 5000)).toBe(true);
    expect(tracing.spans).toHaveLength(1);
  });

  it('controller.abort() mid-way: the SDK ends the iteration quietly, and so does the span', async () => {
    serve({ after: 'hold' });
    const stream = await new OpenAIChatBackend(server.url).generateFromContext('hi');
    let seen = 0;
    for await (const _ of stream) {
      seen++;
      stream.controller.abort();
    }
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(tracing.span('chat').status.code).toBe(SpanStatusCode.UNSET);
    expect(await within(server.requests[0]!.closed, 5000)).toBe(true);
  });

  it('an in-band error event mid-stream: ERROR with error.type, and the consumer gets the SDK’s error', async () => {
    serve({}, [events[0], events[1], { error: { message: 'The server had an error', type: 'server_error' } }]);
    const stream = await new OpenAIChatBackend(server.url).generateFromContext('hi');
    const seen: unknown[] = [];
    const caught = await errorWhileReading(stream, (part) => seen.push(part));
    expect(seen).toHaveLength(2);
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe((caught as Error).constructor.name);
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-stream-7');
  });

  it('a connection reset mid-stream: ERROR, and the consumer gets the error', async () => {
    serve({ after: 'reset' }, events.slice(0, 2));
    const stream = await new OpenAIChatBackend(server.url).generateFromContext('hi');
    const caught = await errorWhileReading(stream);
    // undici's error comes from Node's own realm, not Jest's: compare by shape.
    expect((caught as Error).name).toBe('TypeError');
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe((caught as Error).constructor.name);
    expect(span.status.message).toContain((caught as Error).message);
  });

  it('tee() keeps working (both halves read the whole stream)', async () => {
    serve();
    const stream = await new OpenAIChatBackend(server.url).generateFromContext('hi');
    const [left, right] = stream.tee();
    const read = async (half: typeof left): Promise<number> => {
      let count = 0;
      for await (const _ of half) count++;
      return count;
    };
    expect(await Promise.all([read(left), read(right)])).toEqual([events.length, events.length]);
  });
});
