/**
 * The real `@anthropic-ai/sdk` client (1.x) in a decorated backend, against a loopback server speaking the
 * Messages API wire format (JSON, and SSE with `event:` lines): id, model and input tokens from `message_start`,
 * stop reason and output tokens from `message_delta`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { SpanStatusCode } from '@opentelemetry/api';
import { traceBackend } from 'mellea-telemetry';
import { genAiAttributes, useTestTracing } from '../backends/fixtures';
import { sendJson, useWireServer } from '../backends/wire-server';
import { consumerNow, endedAfter, errorWhileReading, type StreamPlan, serveAnthropicSse, sleep, within } from './wire';

const tracing = useTestTracing();
const server = useWireServer();

const message = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-20250514',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 6 },
};

const events = [
  {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 25, output_tokens: 1 } },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' there' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } },
  { type: 'message_stop' },
];

const streamed = {
  'gen_ai.system': 'anthropic',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'claude-sonnet-4-20250514',
  'gen_ai.response.id': 'msg_01XFDUDYJgAACzvnptvVoYEL',
  'gen_ai.response.model': 'claude-sonnet-4-20250514',
  'gen_ai.response.finish_reasons': ['end_turn'],
  'gen_ai.usage.input_tokens': 25,
  'gen_ai.usage.output_tokens': 15,
  'gen_ai.usage.total_tokens': 40,
};

class AnthropicBackend {
  readonly modelId = 'claude-sonnet-4-20250514';
  readonly client: Anthropic;

  constructor(baseURL: string) {
    this.client = new Anthropic({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 });
  }

  @traceBackend('chat')
  async generateFromContext(prompt: string) {
    return this.client.messages.create({
      model: this.modelId,
      max_tokens: 256,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
    });
  }

  @traceBackend('chat')
  async complete(prompt: string) {
    return this.client.messages.create({
      model: this.modelId,
      max_tokens: 256,
      messages: [{ role: 'user', content: prompt }],
    });
  }
}

function serve(plan: StreamPlan = {}, list: readonly { type: string }[] = events): void {
  server.handle((_request, res) => serveAnthropicSse(res, list, plan));
}

describe('@anthropic-ai/sdk', () => {
  it('non-streaming: usage, stop_reason, id and model from the Message', async () => {
    server.handle((_request, res) => sendJson(res, 200, message));
    const result = await new AnthropicBackend(server.url).complete('hi');
    expect(result.content[0]).toEqual({ type: 'text', text: 'Hello!' });
    expect(genAiAttributes(tracing.span('chat'))).toEqual({
      ...streamed,
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.usage.total_tokens': 18,
    });
  });

  it('streaming: message_start + message_delta give the attributes; the span ends after the last event', async () => {
    serve();
    const calledAt = consumerNow();
    const stream = await new AnthropicBackend(server.url).generateFromContext('hi');
    expect(stream.controller).toBeInstanceOf(AbortController);
    const types: string[] = [];
    let lastChunkAt = 0;
    for await (const event of stream) {
      types.push(event.type);
      lastChunkAt = consumerNow();
      await sleep(5);
    }
    expect(types).toEqual(events.filter((event) => event.type !== 'ping').map((event) => event.type));
    const span = tracing.span('chat');
    expect(endedAfter(span, calledAt, lastChunkAt)).toBe(true);
    expect(genAiAttributes(span)).toEqual(streamed);
  });

  it('break: ends once, not ERROR, and the HTTP stream is released', async () => {
    serve({ after: 'hold' }, events.slice(0, 2));
    const stream = await new AnthropicBackend(server.url).generateFromContext('hi');
    for await (const _ of stream) break;
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.id']).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
    expect(await within(server.requests[0]!.closed, 3000)).toBe(true);
    expect(tracing.spans).toHaveLength(1);
  });

  it('an in-band error event mid-stream: ERROR, and the consumer gets the SDK’s error', async () => {
    serve({}, [
      events[0]!,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } as { type: string },
    ]);
    const stream = await new AnthropicBackend(server.url).generateFromContext('hi');
    const caught = await errorWhileReading(stream);
    expect(caught).toBeInstanceOf(Anthropic.APIError);
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe((caught as Error).constructor.name);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(25);
  });

  it('a connection reset mid-stream: ERROR, and the consumer gets the error', async () => {
    serve({ after: 'reset' }, events.slice(0, 3));
    const stream = await new AnthropicBackend(server.url).generateFromContext('hi');
    const caught = await errorWhileReading(stream);
    expect(caught).toBeDefined();
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe((caught as Error).constructor.name);
  });
});
