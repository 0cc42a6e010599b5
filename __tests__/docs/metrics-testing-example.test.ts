import { Message, ScriptedBackend, SimpleContext } from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';

const tracing = createTestTracing({ metrics: true });
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

it('records token usage per token type', async () => {
  const backend = new ScriptedBackend({ modelId: 'granite-4' });
  await backend.generateFromContext(new Message('user', 'hi'), new SimpleContext());

  const usage = await tracing.metric('gen_ai.client.token.usage');
  const input = usage.find((point) => point.attributes['gen_ai.token.type'] === 'input');
  expect(input).toMatchObject({ type: 'histogram', unit: '{token}', count: 1 });
  expect(input?.attributes['gen_ai.request.model']).toBe('granite-4');
  expect(input?.bucketCounts).toHaveLength(15);
});
