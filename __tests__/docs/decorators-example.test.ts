import {
  type ActOptions,
  backendInfo,
  type GenerativeSlot,
  generative,
  traceApplication,
  traceBackend,
} from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';

// A backend whose class name does not say which system it talks to: declare it once on the class.
@backendInfo({ system: 'acme-llm', attributes: { 'acme.region': 'eu-west' } })
class AcmeBackend {
  modelId = 'acme-large';

  // Options win over metadata and conventions: add a request attribute, read a custom result field.
  @traceBackend('chat', {
    attributes: (_self, [, , options]) => ({ 'acme.temperature': (options as { temperature?: number })?.temperature }),
    resultAttributes: (result) => ({ 'acme.cached': result.cached }),
  })
  async generateFromContext(action: GenerativeSlot, _ctx: { size: number }, _options?: object) {
    return { value: `#${action.args['text']}`, cached: true, usage: { inputTokens: 20, outputTokens: 2 } };
  }

  // An async generator keeps its span open until the consumer is done; chunks carry id, usage, finish reason.
  @traceBackend('chat')
  async *stream(_action: object, _ctx: { size: number }) {
    yield { delta: 'Hel', id: 'resp-1' };
    yield { delta: 'lo', finishReasons: ['stop'], usage: { inputTokens: 8, outputTokens: 2 } };
  }
}

class Session {
  backend = new AcmeBackend();
  ctx = { size: 0 };

  @traceApplication('aact')
  async act(action: GenerativeSlot, options?: ActOptions) {
    return this.backend.generateFromContext(action, this.ctx, { ...options, temperature: 0.2 });
  }
}

class Tagger {
  constructor(readonly session: Session) {}

  // The body is never run: the slot goes through session.act, and the method resolves to the result's value.
  @generative({ description: 'Turn the text into a hashtag' })
  async hashtag(text: string): Promise<string> {
    return text;
  }
}

describe('decorators guide', () => {
  const tracing = createTestTracing();
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());

  it('options > metadata > conventions', async () => {
    expect(await new Tagger(new Session()).hashtag('ts')).toBe('#ts');
    expect(spanShape(tracing.tree())).toEqual([['aact', [['chat']]]]);
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.system': 'acme-llm', // metadata (the class name would give "AcmeBackend")
      'gen_ai.request.model': 'acme-large', // convention: this.modelId
      'acme.region': 'eu-west', // metadata
      'acme.temperature': 0.2, // option
      'acme.cached': true, // option, from the result
      'gen_ai.usage.total_tokens': 22, // convention, from the result
      'mellea.action_type': 'GenerativeSlot',
    });
  });

  it('streams stay traced until consumed', async () => {
    let text = '';
    for await (const chunk of new AcmeBackend().stream({}, { size: 0 })) text += chunk.delta;
    expect(text).toBe('Hello');
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.response.id': 'resp-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.total_tokens': 10,
    });
  });
});
