import { createTestTracing } from 'mellea-telemetry/testing';
import { Ollama } from 'ollama';
import { useWireServer } from '../backends/wire-server';
import { OllamaModelBackend } from './docs-ollama';
import { serveNdjson } from './wire';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());
const server = useWireServer();

it('streaming', async () => {
  server.handle((_req, res) =>
    serveNdjson(res, [
      { model: 'granite4.1:3b', message: { role: 'assistant', content: 'Hi' }, done: false },
      {
        model: 'granite4.1:3b',
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 7,
        eval_count: 2,
      },
    ]),
  );
  const stream = await new OllamaModelBackend(new Ollama({ host: server.url })).stream('hi');
  for await (const _part of stream); // stream.abort() (the SDK's own method) works on it too
  expect(tracing.span('chat').attributes).toMatchObject({
    'gen_ai.system': 'ollama',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 7,
    'gen_ai.usage.output_tokens': 2,
    'gen_ai.usage.total_tokens': 9,
  });
});
