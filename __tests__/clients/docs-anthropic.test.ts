import Anthropic from '@anthropic-ai/sdk';
import { createTestTracing } from 'mellea-telemetry/testing';
import { useWireServer } from '../backends/wire-server';
import { AnthropicBackend } from './docs-anthropic';
import { serveAnthropicSse } from './wire';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());
const server = useWireServer();

it('streaming', async () => {
  server.handle((_req, res) =>
    serveAnthropicSse(res, [
      {
        type: 'message_start',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          content: [],
          model: 'claude-sonnet-4-20250514',
          usage: { input_tokens: 9, output_tokens: 1 },
        },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ] as { type: string }[]),
  );
  const backend = new AnthropicBackend(new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url }));
  for await (const _event of await backend.stream('hi'));
  expect(tracing.span('chat').attributes).toMatchObject({
    'gen_ai.system': 'anthropic',
    'gen_ai.response.id': 'msg_1',
    'gen_ai.response.finish_reasons': ['end_turn'],
    'gen_ai.usage.input_tokens': 9,
    'gen_ai.usage.output_tokens': 2,
    'gen_ai.usage.total_tokens': 11,
  });
});
