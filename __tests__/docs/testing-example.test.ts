import { traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';

class OllamaModelBackend {
  modelId = 'granite4.1:3b';

  @traceBackend('chat')
  async generateFromContext(action: { prompt: string }, _ctx: { size: number }) {
    return { value: `echo: ${action.prompt}`, usage: { inputTokens: 12, outputTokens: 3 }, finishReasons: ['stop'] };
  }
}

class Session {
  backend = new OllamaModelBackend();
  ctx = { size: 0 };

  @traceApplication('aact')
  async act(action: { prompt: string }) {
    return this.backend.generateFromContext(action, this.ctx);
  }
}

describe('my instrumented session', () => {
  const tracing = createTestTracing(); // both scopes on, spans kept in memory
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());

  it('emits aact with a chat child carrying token usage', async () => {
    const result = await new Session().act({ prompt: 'hello' });

    expect(result.value).toBe('echo: hello');
    expect(spanShape(tracing.tree())).toEqual([['aact', [['chat']]]]);
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.usage.total_tokens': 15,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(tracing.span('aact').attributes['response']).toBe('echo: hello');
  });
});
