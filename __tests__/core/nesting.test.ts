import { traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { ChatContext, Instruction, Message, modelOutput } from '../support/fixtures';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

class OllamaModelBackend {
  modelId = 'granite4.1:3b';
  @traceBackend('chat')
  async generateFromContext(action: unknown, _ctx: ChatContext): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return modelOutput(`answer to ${(action as Instruction).description ?? (action as Message).content}`);
  }
}

class Session {
  ctx = new ChatContext();
  constructor(readonly backend = new OllamaModelBackend()) {}

  @traceApplication('session_context')
  async run<T>(body: (session: this) => Promise<T>): Promise<T> {
    return body(this);
  }

  @traceApplication('aact')
  async act(action: unknown): Promise<{ value: unknown; success: boolean }> {
    const output = (await this.backend.generateFromContext(action, this.ctx)) as { value: string };
    this.ctx.items.push(action);
    const ok = await this.validate(output.value);
    return { value: output.value, success: ok };
  }

  @traceApplication('requirement_validation')
  async validate(output: string): Promise<boolean> {
    return output.length > 0;
  }
}

describe('the spec tree session_context → aact → chat + requirement_validation', () => {
  it('comes out really nested, one trace', async () => {
    await new Session().run(async (session) => {
      await session.act(new Instruction('write'));
      await session.act(new Message('user', 'hi'));
    });
    expect(spanShape(tracing.tree())).toEqual([
      [
        'session_context',
        [
          ['aact', [['chat'], ['requirement_validation']]],
          ['aact', [['chat'], ['requirement_validation']]],
        ],
      ],
    ]);
    expect(new Set(tracing.spans.map((span) => span.spanContext().traceId)).size).toBe(1);
    const [first, second] = tracing.spansNamed('aact');
    expect(first!.attributes['mellea.context_size']).toBe(0);
    expect(second!.attributes['mellea.context_size']).toBe(1);
    expect(second!.attributes['mellea.action_type']).toBe('Message');
  });

  it('keeps parents apart for many parallel calls', async () => {
    const sessions = Array.from({ length: 50 }, () => new Session());
    await Promise.all(sessions.map((session, index) => session.run(() => session.act(new Instruction(`t${index}`)))));
    const roots = tracing.tree();
    expect(roots).toHaveLength(50);
    const responses = new Set<unknown>();
    for (const root of roots) {
      expect(spanShape([root])).toEqual([['session_context', [['aact', [['chat'], ['requirement_validation']]]]]]);
      const aact = root.children[0]!;
      const chat = aact.children[0]!;
      expect(chat.span.spanContext().traceId).toBe(root.span.spanContext().traceId);
      expect(chat.span.parentSpanContext?.spanId).toBe(aact.span.spanContext().spanId);
      // Each session's own session_context also carries its own answer: no crossed wires between calls.
      expect(root.attributes['response']).toBe(aact.attributes['response']);
      responses.add(aact.attributes['response']);
    }
    expect(responses.size).toBe(50);
    expect(new Set(roots.map((root) => root.span.spanContext().traceId)).size).toBe(50);
  });
});
