import { ChatContext, Requirement, ScriptedBackend, Session } from 'mellea-telemetry/runtime';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());

it('runs a session: instruct with requirements, then two chat turns', async () => {
  // Offline and deterministic; swap in OpenAIBackend or OllamaModelBackend for a real model.
  const backend = new ScriptedBackend({ script: [{ match: 'haiku', reply: 'Tea leaves drift and steep' }] });
  const session = new Session(backend, { ctx: new ChatContext({ window: 20 }) });

  const replies = await session.run(async (m) => {
    const haiku = await m.instruct('Write a haiku about {{topic}}', {
      userVariables: { topic: 'tea' },
      requirements: [
        'mention tea', // no function: the backend judges it
        new Requirement('at most 17 words', (text) => text.split(/\s+/).length <= 17),
      ],
    });
    expect(haiku).toMatchObject({ value: 'Tea leaves drift and steep', success: true });

    const first = await m.chat('Hello!');
    const second = await m.chat('Can you make it longer?');
    return [first.content, second.content];
  });

  expect(replies[0]).toBe(
    'Hello! I am a scripted assistant running offline. (I can see 2 earlier messages of our conversation.)',
  );
  expect(session.ctx.size).toBe(6); // instruction + answer + two chat turns of two items each
  expect(spanShape(tracing.tree())).toEqual([
    [
      'session_context',
      [
        ['aact', [['chat'], ['requirement_validation', [['chat']]], ['requirement_validation']]],
        ['aact', [['chat']]],
        ['aact', [['chat']]],
      ],
    ],
  ]);
  const acts = tracing.spansNamed('aact');
  expect(acts.map((span) => span.attributes['mellea.action_type'])).toEqual(['Instruction', 'Message', 'Message']);
  expect(acts.map((span) => span.attributes['mellea.context_size'])).toEqual([0, 2, 4]);
});
