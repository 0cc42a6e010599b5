import { type ActOptions, GenerativeSlot, generative, traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { modelOutput } from '../support/fixtures';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

class OllamaModelBackend {
  modelId = 'granite4.1:3b';
  lastAction: unknown;
  @traceBackend('chat')
  async generateFromContext(action: unknown, _ctx: unknown, _options?: object): Promise<Record<string, unknown>> {
    this.lastAction = action;
    const slot = action as GenerativeSlot;
    return modelOutput(slot.args['text'] === 'I love it' ? 'positive' : 'negative');
  }
}

/** A session whose act is traced (the usual case). */
class TracedSession {
  backend = new OllamaModelBackend();
  ctx = { size: 4 };
  @traceApplication('aact')
  async act(action: GenerativeSlot, options?: ActOptions): Promise<{ value: unknown }> {
    const output = await this.backend.generateFromContext(action, this.ctx, options);
    return { value: output['value'] };
  }
}

/** A session whose act is NOT traced: @generative opens the aact span itself. */
class UntracedSession {
  backend = new OllamaModelBackend();
  ctx = { size: 1 };
  async act(action: GenerativeSlot, options?: ActOptions): Promise<{ value: unknown }> {
    const output = await this.backend.generateFromContext(action, this.ctx, options);
    return { value: output['value'] };
  }
}

const SENTIMENT = { type: 'string', enum: ['positive', 'negative'], title: 'Sentiment' };

class Analyst {
  constructor(readonly session: TracedSession | UntracedSession) {}

  @generative({ description: 'Classify the sentiment of the text', format: SENTIMENT })
  async sentiment(text: string): Promise<string> {
    throw new Error(`the body is not run (${text})`);
  }

  @generative()
  async summary(text: string, maxWords = 10): Promise<string> {
    return `${text}${maxWords}`;
  }
}

describe('@generative', () => {
  it.each([
    ['a traced act', () => new TracedSession()],
    ['an untraced act', () => new UntracedSession()],
  ])('through %s gives ONE aact span (GenerativeSlot, has_format) with the chat span beneath', async (_label, make) => {
    const session = make();
    const analyst = new Analyst(session);
    expect(await analyst.sentiment('I love it')).toBe('positive');
    expect(spanShape(tracing.tree())).toEqual([['aact', [['chat']]]]);
    expect(tracing.span('aact').attributes).toMatchObject({
      'mellea.action_type': 'GenerativeSlot',
      'mellea.has_format': true,
      'mellea.backend': 'OllamaModelBackend',
      'mellea.context_size': session.ctx.size,
      response: 'positive',
    });
    expect(tracing.span('chat').attributes).toMatchObject({
      'mellea.action_type': 'GenerativeSlot',
      'mellea.has_format': true,
      'mellea.format_type': 'Sentiment',
    });
  });

  it('builds the slot from the description, the named arguments and the format', async () => {
    const session = new TracedSession();
    await new Analyst(session).sentiment('meh');
    const slot = session.backend.lastAction as GenerativeSlot;
    expect(slot).toBeInstanceOf(GenerativeSlot);
    expect(slot).toMatchObject({
      name: 'sentiment',
      description: 'Classify the sentiment of the text',
      args: { text: 'meh' },
      format: SENTIMENT,
    });
  });

  it('without options: description = method name, no format, parameter names read from the source', async () => {
    const session = new TracedSession();
    expect(await new Analyst(session).summary('long text', 5)).toBe('negative');
    const slot = session.backend.lastAction as GenerativeSlot;
    expect(slot).toMatchObject({ name: 'summary', description: 'summary', args: { text: 'long text', maxWords: 5 } });
    expect(tracing.span('aact').attributes['mellea.has_format']).toBe(false);
  });

  it('uses the session option when the instance has no `session`', async () => {
    const shared = new TracedSession();
    class Tool {
      @generative({ session: () => shared, parameters: ['text'] })
      async label(_t: string): Promise<string> {
        return '';
      }
    }
    expect(await new Tool().label('I love it')).toBe('positive');
    expect(tracing.spansNamed('aact')).toHaveLength(1);
  });

  it('without a session rejects with a clear TypeError and opens no span', async () => {
    class Lost {
      @generative()
      async ask(): Promise<string> {
        return '';
      }
    }
    await expect(new Lost().ask()).rejects.toThrow(/needs a session with an act\(\) method/);
    expect(tracing.spans).toHaveLength(0);
  });

  it('keeps the method name and length', () => {
    expect(Analyst.prototype.sentiment.name).toBe('sentiment');
    expect(Analyst.prototype.sentiment.length).toBe(1);
  });
});
