import { traceBackend, traceMethods } from 'mellea-telemetry';
import {
  type Action,
  type Backend,
  type GenerationContext,
  type ModelOutput,
  renderMessages,
  Session,
} from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());

/** A backend of your own: render the prompt with renderMessages, call your model, return a ModelOutput. */
class EchoModelBackend implements Backend {
  readonly modelId = 'echo-1';

  async generateFromContext(action: Action, ctx: GenerationContext): Promise<ModelOutput> {
    const messages = renderMessages(action, ctx); // history first, then the action
    const last = messages.at(-1)!.content;
    return { value: last.toUpperCase(), usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 }, id: 'echo-42' };
  }

  async generateFromRaw(actions: readonly Action[]): Promise<ModelOutput[]> {
    return actions.map((action) => ({ value: renderMessages(action, { size: 0, messages: () => [] })[0]!.content }));
  }
}
// No decorator syntax needed: traceMethods applies @traceBackend to the prototype.
traceMethods(EchoModelBackend, {
  generateFromContext: traceBackend('chat'),
  generateFromRaw: traceBackend('text_completion'),
});

it('traces a custom backend under the session', async () => {
  const reply = await new Session(new EchoModelBackend()).chat('hello');
  expect(reply.content).toBe('HELLO');
  expect(tracing.span('chat').attributes).toMatchObject({
    'gen_ai.system': 'EchoModelBackend',
    'gen_ai.request.model': 'echo-1',
    'gen_ai.response.id': 'echo-42',
    'gen_ai.usage.total_tokens': 15,
  });
});
