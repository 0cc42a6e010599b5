/**
 * Message capture end to end with the real client SDKs (openai 6.49.0, @anthropic-ai/sdk 1.15.0, ollama 0.6.4)
 * against a loopback server speaking each wire format: a thin decorated class around each client, as a user
 * would write it; plain and streamed calls; the attributes checked against the v1.41.1 shape and the content.
 */
import Anthropic from '@anthropic-ai/sdk';
import { redactSecrets, traceBackend } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { parsedMessages } from '../support/genai-schema';
import { sendJson, sendNdjson, sendSse, useWireServer } from './wire-server';

const server = useWireServer();
const tracing = createTestTracing({ captureMessageContent: true, redact: redactSecrets });
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

const chat = () => tracing.span('chat').attributes;

class OpenAIChat {
  readonly model = 'gpt-4o-mini';
  constructor(readonly client: OpenAI) {}

  @traceBackend('chat')
  complete(request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming) {
    return this.client.chat.completions.create(request);
  }

  @traceBackend('chat')
  async *stream(request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming) {
    const stream = await this.client.chat.completions.create({ ...request, stream: true });
    for await (const chunk of stream) yield chunk;
  }
}

class AnthropicChat {
  readonly model = 'claude-sonnet-4';
  constructor(readonly client: Anthropic) {}

  @traceBackend('chat')
  complete(request: Anthropic.MessageCreateParamsNonStreaming) {
    return this.client.messages.create(request);
  }

  @traceBackend('chat')
  async *stream(request: Anthropic.MessageCreateParamsNonStreaming) {
    const stream = await this.client.messages.create({ ...request, stream: true });
    for await (const event of stream) yield event;
  }
}

class OllamaChat {
  readonly model = 'granite4.1:3b';
  constructor(readonly client: Ollama) {}

  @traceBackend('chat')
  complete(request: { model: string; messages: { role: string; content: string }[] }) {
    return this.client.chat({ ...request, stream: false });
  }

  @traceBackend('chat')
  async *stream(request: { model: string; messages: { role: string; content: string }[] }) {
    const stream = await this.client.chat({ ...request, stream: true });
    for await (const part of stream) yield part;
  }
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) {
    // consume
  }
}

const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'weather', description: 'Current weather', parameters: { type: 'object', properties: {} } },
};

describe('openai@6.49.0', () => {
  const client = () => new OpenAI({ apiKey: 'sk-test-not-a-key', baseURL: `${server.url}/v1`, maxRetries: 0 });
  const request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Weather in Oslo? My email is ola@example.no' },
    ],
    tools: [WEATHER_TOOL],
  };

  it('chat.completions.create: input, tools and the tool-calling answer', async () => {
    server.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini-2024',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
      }),
    );
    const completion = await new OpenAIChat(client()).complete(request);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(parsedMessages(chat()['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo? My email is [REDACTED:email]' }] },
    ]);
    expect(parsedMessages(chat()['gen_ai.tool.definitions'], 'tools')).toEqual([
      {
        type: 'function',
        name: 'weather',
        description: 'Current weather',
        parameters: { type: 'object', properties: {} },
      },
    ]);
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } }],
        finish_reason: 'tool_call',
      },
    ]);
    expect(chat()['gen_ai.usage.total_tokens']).toBe(25);
  });

  it('a streamed completion: the deltas joined', async () => {
    const chunk = (delta: object, finish: string | null = null) => ({
      id: 'chatcmpl-2',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    server.handle((_req, res) =>
      sendSse(res, [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Cold ' }),
        chunk({ content: 'and clear.' }),
        chunk({}, 'stop'),
      ]),
    );
    await drain(new OpenAIChat(client()).stream(request));
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Cold and clear.' }], finish_reason: 'stop' },
    ]);
  });
});

describe('@anthropic-ai/sdk@1.15.0', () => {
  const client = () => new Anthropic({ apiKey: 'test-not-a-key', baseURL: server.url, maxRetries: 0 });
  const request: Anthropic.MessageCreateParamsNonStreaming = {
    model: 'claude-sonnet-4',
    max_tokens: 100,
    system: 'Answer in French. Token: sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [{ name: 'weather', description: 'Current weather', input_schema: { type: 'object', properties: {} } }],
  };

  it('messages.create: system instructions apart, content blocks out', async () => {
    server.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4',
        content: [
          { type: 'text', text: 'Je vérifie.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 30, output_tokens: 12 },
      }),
    );
    await new AnthropicChat(client()).complete(request);
    expect(parsedMessages(chat()['gen_ai.system_instructions'], 'system')).toEqual([
      { type: 'text', content: 'Answer in French. Token: [REDACTED:anthropic_key]' },
    ]);
    expect(parsedMessages(chat()['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Je vérifie.' },
          { type: 'tool_call', id: 'toolu_1', name: 'weather', arguments: { city: 'Paris' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
    expect(parsedMessages(chat()['gen_ai.tool.definitions'], 'tools')[0].name).toBe('weather');
  });

  it('a streamed message: text deltas and a tool_use block from partial JSON', async () => {
    const events: Array<Record<string, unknown>> = [
      {
        type: 'message_start',
        message: {
          id: 'msg_2',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 30, output_tokens: 1 },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Il fait ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'beau.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Lyon"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 15 } },
      { type: 'message_stop' },
    ];
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of events) res.write(`event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`);
      res.end();
    });
    await drain(new AnthropicChat(client()).stream(request));
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Il fait beau.' },
          { type: 'tool_call', id: 'toolu_2', name: 'weather', arguments: { city: 'Lyon' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });
});

describe('ollama@0.6.4', () => {
  const client = () => new Ollama({ host: server.url });
  const request = {
    model: 'granite4.1:3b',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Card 4111 1111 1111 1111 declined?' },
    ],
  };

  it('chat: the messages and the message answer', async () => {
    server.handle((_req, res) =>
      sendJson(res, 200, {
        model: 'granite4.1:3b',
        created_at: '2026-01-01T00:00:00Z',
        message: { role: 'assistant', content: 'Try again later.' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 12,
        eval_count: 4,
      }),
    );
    const answer = await new OllamaChat(client()).complete(request);
    expect(answer.message.content).toBe('Try again later.');
    expect(parsedMessages(chat()['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Card [REDACTED:credit_card] declined?' }] },
    ]);
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Try again later.' }], finish_reason: 'stop' },
    ]);
  });

  it('a streamed chat (NDJSON): the chunks joined, the done_reason', async () => {
    const line = (content: string, done = false) => ({
      model: 'granite4.1:3b',
      created_at: '2026-01-01T00:00:00Z',
      message: { role: 'assistant', content },
      done,
      ...(done ? { done_reason: 'length', prompt_eval_count: 12, eval_count: 3 } : {}),
    });
    server.handle((_req, res) => sendNdjson(res, [line('Try '), line('again'), line('', true)]));
    await drain(new OllamaChat(client()).stream(request));
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Try again' }], finish_reason: 'length' },
    ]);
  });
});

describe('the runtime HTTP backends (OpenAIBackend over the wire)', () => {
  it('generateFromContext and streamFromContext: the context, the action, the answer', async () => {
    const { ChatContext, Message, OpenAIBackend } = await import('mellea-telemetry/runtime');
    const backend = new OpenAIBackend({ modelId: 'gpt-4o-mini', baseURL: `${server.url}/v1`, apiKey: 'k' });
    const ctx = new ChatContext().add(
      new Message('user', 'Hi, I am ola@example.no'),
      new Message('assistant', 'Hello!'),
    );
    server.handle((_req, res) =>
      sendJson(res, 200, {
        id: 'chatcmpl-3',
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Sure.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
      }),
    );
    await backend.generateFromContext(new Message('user', 'Help me'), ctx);
    expect(parsedMessages(chat()['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hi, I am [REDACTED:email]' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Help me' }] },
    ]);
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Sure.' }], finish_reason: 'stop' },
    ]);
    // The request really carried the unredacted text: redaction is for telemetry only.
    expect(JSON.stringify(server.requests[0]!.body)).toContain('ola@example.no');
    tracing.reset();
    const event = (content: string, finish: string | null = null) => ({
      id: 'chatcmpl-4',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content }, finish_reason: finish }],
    });
    server.handle((_req, res) => sendSse(res, [event('Stre'), event('amed.'), event('', 'stop')]));
    await drain(backend.streamFromContext(new Message('user', 'Stream it'), ctx));
    expect(parsedMessages(chat()['gen_ai.output.messages'], 'output')).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Streamed.' }], finish_reason: 'stop' },
    ]);
  });
});
