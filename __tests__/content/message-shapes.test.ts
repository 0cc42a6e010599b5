/**
 * Message capture by convention, one source shape per test: every captured attribute is checked against the
 * v1.41.1 shape and against the content it must carry.
 */
import { traceBackend, traceMethods } from 'mellea-telemetry';
import { ChatContext, Instruction, Message, ScriptedBackend, SimpleContext } from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';
import { parsedMessages } from '../support/genai-schema';

const tracing = createTestTracing({ captureMessageContent: true });
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

const attributesOf = (name = 'chat') => tracing.span(name).attributes;

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) {
    // consume
  }
}

/** A backend whose methods return what each test hands them (the shapes of the real clients). */
class OpenAIChatBackend {
  modelId = 'gpt-4o-mini';
  next: unknown;
  chunks: unknown[] = [];
  async create(_request: object): Promise<unknown> {
    return this.next;
  }
  async *stream(_request: object): AsyncGenerator<unknown> {
    for (const chunk of this.chunks) yield chunk;
  }
}
traceMethods(OpenAIChatBackend, { create: traceBackend('chat'), stream: traceBackend('chat') });

describe('input messages by convention', () => {
  it('the session runtime: ChatContext history, then the Instruction (rendered by the runtime)', async () => {
    const backend = new ScriptedBackend({ script: [{ match: '', reply: 'Tea is a drink.' }] });
    let ctx = new ChatContext();
    ctx = ctx.add(new Message('system', 'Be brief.'), new Message('user', 'hi'), new Message('assistant', 'hello'));
    await backend.generateFromContext(new Instruction('Describe {{x}}', { userVariables: { x: 'tea' } }), ctx);
    const input = parsedMessages(attributesOf()['gen_ai.input.messages'], 'input');
    expect(input).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'hello' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Describe tea' }] },
    ]);
    const output = parsedMessages(attributesOf()['gen_ai.output.messages'], 'output');
    expect(output).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Tea is a drink.' }], finish_reason: 'stop' },
    ]);
  });

  it('the runtime with a SimpleContext: only the action; a raw batch: one message per action', async () => {
    const backend = new ScriptedBackend({ script: [{ match: '', reply: 'ok' }] });
    await backend.generateFromContext(new Message('user', 'ping'), new SimpleContext());
    expect(parsedMessages(attributesOf()['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'ping' }] },
    ]);
    tracing.reset();
    await backend.generateFromRaw([new Instruction('a'), new Instruction('b')]);
    const span = attributesOf('text_completion');
    expect(parsedMessages(span['gen_ai.input.messages'], 'input').map((m) => m.parts[0].content)).toEqual(['a', 'b']);
    expect(parsedMessages(span['gen_ai.output.messages'], 'output')).toHaveLength(2);
  });

  it('OpenAI: messages with a system message, tool calls, tool results and content-part arrays; tools', async () => {
    const backend = new OpenAIChatBackend();
    backend.next = {
      id: 'chatcmpl-1',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    };
    await backend.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris?' },
            { type: 'image_url', image_url: {} },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C "sunny"\n\\' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'weather', description: 'Current weather', parameters: { type: 'object' } },
        },
      ],
    });
    const span = attributesOf();
    expect(parsedMessages(span['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '18°C "sunny"\n\\' }] },
    ]);
    expect(parsedMessages(span['gen_ai.tool.definitions'], 'tools')).toEqual([
      { type: 'function', name: 'weather', description: 'Current weather', parameters: { type: 'object' } },
    ]);
    expect(parsedMessages(span['gen_ai.output.messages'], 'output')).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_2', name: 'weather', arguments: { city: 'Oslo' } }],
        finish_reason: 'tool_call',
      },
    ]);
    expect(span['gen_ai.system_instructions']).toBeUndefined();
  });

  it('messages in an options object after the positional arguments', async () => {
    class Gateway {
      @traceBackend('chat')
      async send(_model: string, _options: { messages: unknown[] }): Promise<string> {
        return 'done';
      }
    }
    await new Gateway().send('m', { messages: [{ role: 'user', content: 'via options' }] });
    expect(parsedMessages(attributesOf()['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'via options' }] },
    ]);
    expect(parsedMessages(attributesOf()['gen_ai.output.messages'], 'output')[0].parts).toEqual([
      { type: 'text', content: 'done' },
    ]);
  });

  it('Anthropic: system (string or blocks) goes to gen_ai.system_instructions; tool_use / tool_result blocks', async () => {
    const backend = new OpenAIChatBackend();
    backend.next = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_2', name: 'lookup', input: { q: 'x' } },
      ],
      stop_reason: 'tool_use',
    };
    await backend.create({
      model: 'claude-sonnet-4',
      system: [{ type: 'text', text: 'Answer in French.' }],
      messages: [
        { role: 'user', content: 'Bonjour' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'bonjour' } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'hello' }] }],
        },
      ],
      tools: [{ name: 'lookup', description: 'Looks up', input_schema: { type: 'object' } }],
    });
    const span = attributesOf();
    expect(parsedMessages(span['gen_ai.system_instructions'], 'system')).toEqual([
      { type: 'text', content: 'Answer in French.' },
    ]);
    expect(parsedMessages(span['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Bonjour' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_1', name: 'lookup', arguments: { q: 'bonjour' } }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_1', response: 'hello' }] },
    ]);
    expect(parsedMessages(span['gen_ai.tool.definitions'], 'tools')).toEqual([
      { type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object' } },
    ]);
    expect(parsedMessages(span['gen_ai.output.messages'], 'output')).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', id: 'toolu_2', name: 'lookup', arguments: { q: 'x' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
    tracing.reset();
    backend.next = { role: 'assistant', content: [{ type: 'text', text: 'Oui.' }], stop_reason: 'max_tokens' };
    await backend.create({ system: 'Plain string system.', messages: [{ role: 'user', content: 'Q' }] });
    expect(parsedMessages(attributesOf()['gen_ai.system_instructions'], 'system')).toEqual([
      { type: 'text', content: 'Plain string system.' },
    ]);
    expect(parsedMessages(attributesOf()['gen_ai.output.messages'], 'output')[0].finish_reason).toBe('length');
  });

  it('Ollama: messages with tool calls (arguments as objects, no id) and the message result', async () => {
    const backend = new OpenAIChatBackend();
    backend.next = {
      model: 'granite4.1:3b',
      message: { role: 'assistant', content: 'It is 18°C.' },
      done: true,
      done_reason: 'stop',
    };
    await backend.create({
      model: 'granite4.1:3b',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'weather', arguments: { city: 'Oslo' } } }],
        },
        { role: 'tool', content: '18', tool_name: 'weather' },
      ],
    });
    const span = attributesOf();
    expect(parsedMessages(span['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: '', name: 'weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: '', response: '18' }] },
    ]);
    expect(parsedMessages(span['gen_ai.output.messages'], 'output')).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is 18°C.' }], finish_reason: 'stop' },
    ]);
  });
});

describe('streamed output: the concatenation of the deltas', () => {
  it('OpenAI chunks: text deltas, tool-call fragments joined by index, the finish reason', async () => {
    const backend = new OpenAIChatBackend();
    backend.chunks = [
      { id: 'c', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { id: 'c', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] },
      { id: 'c', choices: [{ index: 0, delta: { content: 'lo "there"' }, finish_reason: null }] },
      {
        id: 'c',
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: 'call_9', function: { name: 'look', arguments: '{"q":' } }] },
          },
        ],
      },
      { id: 'c', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"up"}' } }] } }] },
      { id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { id: 'c', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
    ];
    await drain(backend.stream({ messages: [{ role: 'user', content: 'hi' }] }));
    const span = attributesOf();
    expect(parsedMessages(span['gen_ai.output.messages'], 'output')).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Hello "there"' },
          { type: 'tool_call', id: 'call_9', name: 'look', arguments: { q: 'up' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
    expect(span['gen_ai.usage.total_tokens']).toBe(7);
  });

  it('Anthropic stream events: text and tool_use blocks with partial JSON, stop reason from message_delta', async () => {
    const backend = new OpenAIChatBackend();
    backend.chunks = [
      { type: 'message_start', message: { id: 'msg_1', role: 'assistant', content: [], model: 'claude' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ];
    await drain(backend.stream({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(parsedMessages(attributesOf()['gen_ai.output.messages'], 'output')).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Let me check.' },
          { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: { a: 1 } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('Ollama chunks and the runtime stream ({ delta }) alike', async () => {
    const backend = new OpenAIChatBackend();
    backend.chunks = [
      { model: 'g', message: { role: 'assistant', content: 'Bon' }, done: false },
      { model: 'g', message: { role: 'assistant', content: 'jour' }, done: false },
      { model: 'g', message: { role: 'assistant', content: '' }, done: true, done_reason: 'length' },
    ];
    await drain(backend.stream({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(parsedMessages(attributesOf()['gen_ai.output.messages'], 'output')).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Bonjour' }], finish_reason: 'length' },
    ]);
    tracing.reset();
    const scripted = new ScriptedBackend({ script: [{ match: '', reply: 'one two three' }] });
    await drain(scripted.streamFromContext(new Message('user', 'count'), new SimpleContext()));
    const output = parsedMessages(attributesOf()['gen_ai.output.messages'], 'output');
    expect(output[0].parts).toEqual([{ type: 'text', content: 'one two three' }]);
  });

  it('keeps a bounded amount of a long stream, and the attribute within its bound', async () => {
    const local = createTestTracing({ captureMessageContent: true, contentMaxCodePoints: 1_000 });
    try {
      const backend = new OpenAIChatBackend();
      backend.chunks = Array.from({ length: 5_000 }, () => ({
        choices: [{ index: 0, delta: { content: 'abcdefghij' } }],
      }));
      await drain(backend.stream({ messages: [{ role: 'user', content: 'go' }] }));
      const json = local.span('chat').attributes['gen_ai.output.messages'] as string;
      expect(json.length).toBeLessThanOrEqual(1_000);
      const [message] = parsedMessages(json, 'output');
      expect(message.parts[0].content.endsWith('…[truncated]')).toBe(true);
    } finally {
      await local.shutdown();
    }
  });
});

describe('per-decorator extractors', () => {
  it('content.input / output / chunk override the conventions', async () => {
    class Custom {
      @traceBackend('chat', {
        content: {
          input: (_self, args) => ({ messages: [{ role: 'user', content: args[0] }], system: 'sys' }),
          output: (result: { raw: unknown }) => result.raw,
        },
      })
      async ask(prompt: string): Promise<{ raw: unknown }> {
        return {
          raw: { choices: [{ message: { role: 'assistant', content: `re: ${prompt}` }, finish_reason: 'stop' }] },
        };
      }

      @traceBackend('chat', { content: { chunk: (chunk: { token: string }) => chunk.token } })
      async *tokens(): AsyncGenerator<{ token: string }> {
        yield { token: 'a' };
        yield { token: 'b' };
      }
    }
    await new Custom().ask('why');
    const span = attributesOf();
    expect(parsedMessages(span['gen_ai.input.messages'], 'input')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'why' }] },
    ]);
    expect(parsedMessages(span['gen_ai.system_instructions'], 'system')).toEqual([{ type: 'text', content: 'sys' }]);
    expect(parsedMessages(span['gen_ai.output.messages'], 'output')[0].parts[0].content).toBe('re: why');
    tracing.reset();
    await drain(new Custom().tokens());
    expect(parsedMessages(attributesOf()['gen_ai.output.messages'], 'output')[0].parts[0].content).toBe('ab');
  });

  it('a throwing extractor costs the message attributes only', async () => {
    class Broken {
      modelId = 'm';
      @traceBackend('chat', {
        content: {
          input: () => {
            throw new Error('boom');
          },
        },
      })
      async ask(): Promise<string> {
        return 'fine';
      }
    }
    await expect(new Broken().ask()).resolves.toBe('fine');
    const span = attributesOf();
    expect(span['gen_ai.input.messages']).toBeUndefined();
    expect(span['gen_ai.request.model']).toBe('m');
    expect(span['gen_ai.output.messages']).toBeDefined();
  });
});
