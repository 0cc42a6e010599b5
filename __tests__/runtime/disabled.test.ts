import { generative } from 'mellea-telemetry';
import { ChatContext, ScriptedBackend, Session } from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';

const tracing = createTestTracing({ application: false, backend: false });
afterAll(() => tracing.shutdown());

class Tagger {
  constructor(readonly session: Session) {}
  @generative({ description: 'The sentiment', format: { enum: ['positive', 'negative', 'neutral'] } })
  async sentiment(text: string): Promise<string> {
    throw new Error(`not run (${text})`);
  }
}

it('with both scopes off the runtime behaves the same and records nothing', async () => {
  const session = new Session(new ScriptedBackend({ script: [{ match: 'poem', reply: ['no', 'tea poem'] }] }), {
    ctx: new ChatContext(),
  });
  const result = await session.run(async (m) => {
    const poem = await m.instruct('Write a poem', { requirements: ['mention tea'] });
    const mood = await new Tagger(m).sentiment('I love it');
    const reply = await m.chat('Hello');
    return { poem, mood, reply };
  });
  expect(result.poem).toMatchObject({ value: 'tea poem', success: true });
  expect(result.poem.sampleGenerations).toHaveLength(2);
  expect(result.mood).toBe('positive');
  expect(result.reply.content).toContain('I can see 4 earlier messages');
  expect(tracing.spans).toHaveLength(0);
});
