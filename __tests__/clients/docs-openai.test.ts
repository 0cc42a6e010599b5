import { createTestTracing } from 'mellea-telemetry/testing';
import OpenAI from 'openai';
import { sendJson, useWireServer } from '../backends/wire-server';
import { OpenAIChatBackend } from './docs-openai';
import { serveOpenAiSse } from './wire';

// The test: a loopback server speaking the Chat Completions wire format.
const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());
const server = useWireServer();
const chunk = (choices: unknown[], usage: unknown = null) => ({
  id: 'c-1',
  model: 'gpt-4o-mini-2024-07-18',
  choices,
  usage,
});

it('plain', async () => {
  server.handle((_req, res) =>
    sendJson(res, 200, {
      ...chunk([{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }]),
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    }),
  );
  const backend = new OpenAIChatBackend(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1` }));
  await backend.generate('hi');
  expect(tracing.span('chat').attributes).toMatchObject({ 'gen_ai.system': 'openai', 'gen_ai.usage.total_tokens': 6 });
});

it('streaming', async () => {
  server.handle((_req, res) =>
    serveOpenAiSse(res, [
      chunk([{ index: 0, delta: { content: 'Hi' }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      chunk([], { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }),
    ]),
  );
  const backend = new OpenAIChatBackend(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1` }));
  let text = '';
  for await (const part of await backend.stream('hi')) text += part.choices[0]?.delta.content ?? '';
  expect(text).toBe('Hi');
  expect(tracing.span('chat').attributes).toMatchObject({
    'gen_ai.response.id': 'c-1',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 5,
    'gen_ai.usage.output_tokens': 1,
  });
});
