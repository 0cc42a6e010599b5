import { type GenerativeSlot, generative, traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';

// Plain functions, no classes: the backend call and the act are arrow functions wrapped by the function forms.
// A function has no `this.modelId` or class name, so the backend's system and model are given as options.
const chat = traceBackend.fn(
  'chat',
  async (action: GenerativeSlot, _ctx: { size: number }) => ({
    value: String(action.args['text']).includes('love') ? 'positive' : 'negative',
    usage: { inputTokens: 31, outputTokens: 1 },
  }),
  { system: 'ollama', model: 'granite4.1:3b' },
);

const session = {
  ctx: { size: 0 },
  act: traceApplication.fn('aact', async (action: GenerativeSlot) => chat(action, session.ctx)),
};

// Mellea's @generative decorates functions: here the function form, with the session given as an option.
// The body is never run; the call becomes a GenerativeSlot { args: { text } } acted on through session.act.
const sentiment = generative.fn(async (text: string): Promise<'positive' | 'negative'> => text as never, {
  session,
  name: 'sentiment',
  description: 'Classify the sentiment of the text',
  format: { enum: ['positive', 'negative'] },
});

describe('function forms', () => {
  const tracing = createTestTracing();
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());

  it('give the same spans as the decorators', async () => {
    expect(await sentiment('I love this library')).toBe('positive');
    expect(spanShape(tracing.tree())).toEqual([['aact', [['chat']]]]);
    expect(tracing.span('aact').attributes).toMatchObject({
      'mellea.action_type': 'GenerativeSlot',
      'mellea.has_format': true,
    });
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.usage.total_tokens': 32,
    });
  });
});
