// The session runtime over the real HTTP backends, each against a loopback server speaking its wire format:
// the spec's span tree with the servers' token usage, and every request carrying the traceparent of its chat.
import { type Backend, ChatContext, Requirement, Session } from 'mellea-telemetry/runtime';
import { spanShape } from 'mellea-telemetry/testing';
import { OllamaModelBackend } from '../../runtime/backends/ollama';
import { OpenAIBackend } from '../../runtime/backends/openai';
import { genAiAttributes, useTestTracing } from './fixtures';
import { type ReceivedRequest, sendJson, traceparentOf, useWireServer } from './wire-server';

/** A model that writes a haiku, judges "yes", and answers chat turns; counts tokens by characters. */
function reply(request: ReceivedRequest): string {
  const last: string = request.body.messages.at(-1).content;
  if (last.includes('haiku')) return 'Steam rises from tea'; // the instruction
  if (last.includes('mention tea')) return 'yes, it does.'; // the judge prompt for the LLM-judged requirement
  return `You said: ${last}`;
}
const tokens = (request: ReceivedRequest) => JSON.stringify(request.body.messages).length >> 2;

const tracing = useTestTracing();
const server = useWireServer((request, res) => {
  const text = reply(request);
  if (request.path === '/v1/chat/completions') {
    return sendJson(res, 200, {
      id: `chatcmpl-${server.requests.length}`,
      object: 'chat.completion',
      created: 1741569952,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: tokens(request),
        completion_tokens: text.length >> 2,
        total_tokens: tokens(request) + (text.length >> 2),
      },
    });
  }
  sendJson(res, 200, {
    model: 'granite4.1:3b',
    created_at: '2026-11-28T03:30:00Z',
    message: { role: 'assistant', content: text },
    done: true,
    done_reason: 'stop',
    prompt_eval_count: tokens(request),
    eval_count: text.length >> 2,
  });
});

const backends: [string, () => Backend, string][] = [
  [
    'OpenAIBackend',
    () => new OpenAIBackend({ modelId: 'gpt-4o-mini', baseURL: `${server.url}/v1`, apiKey: 'sk-test' }),
    'openai',
  ],
  ['OllamaModelBackend', () => new OllamaModelBackend({ modelId: 'granite4.1:3b', baseURL: server.url }), 'ollama'],
];

describe.each(backends)('Session over %s', (_name, makeBackend, system) => {
  it('nests session_context → aact → chat + requirement_validation (→ judge chat) with real usage', async () => {
    const session = new Session(makeBackend(), { ctx: new ChatContext({ window: 4 }) });
    const shortEnough = new Requirement('at most 30 characters', (output) => output.length <= 30);

    await session.run(async (m) => {
      const haiku = await m.instruct('Write a haiku about {{topic}}', {
        userVariables: { topic: 'tea' },
        requirements: ['mention tea', shortEnough],
      });
      expect(haiku).toMatchObject({ success: true, value: 'Steam rises from tea' });
      expect((await m.chat('Thanks!')).content).toBe('You said: Thanks!');
    });

    expect(spanShape(tracing.tree())).toEqual([
      [
        'session_context',
        [
          ['aact', [['chat'], ['requirement_validation', [['chat']]], ['requirement_validation']]],
          ['aact', [['chat']]],
        ],
      ],
    ]);
    const chats = tracing.spansNamed('chat');
    expect(chats).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    // Each request carries its own chat span as the parent; the chat spans' attributes come from the answers.
    for (const request of server.requests) {
      const chat = chats.find((span) => traceparentOf(span) === request.headers['traceparent']);
      expect(chat).toBeDefined();
      const prompt = tokens(request);
      const completion = reply(request).length >> 2;
      expect(genAiAttributes(chat!)).toMatchObject({
        'gen_ai.system': system,
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': prompt,
        'gen_ai.usage.output_tokens': completion,
        'gen_ai.usage.total_tokens': prompt + completion,
        'gen_ai.response.finish_reasons': ['stop'],
      });
    }
    // The chat turn sees the windowed history: instruction + haiku, then the new message.
    expect(server.requests[2]!.body.messages.map((message: { role: string }) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    expect(tracing.spansNamed('aact')[1]!.attributes['mellea.context_size']).toBe(2);
  });
});
