/**
 * The function forms of the decorators — `traceApplication.fn`, `traceBackend.fn`, `generative.fn` — for plain and
 * arrow functions: the same spans, attributes and parents as the decorators; `this`, arguments, name, length and
 * sync-ness passed through; with the scope off, a straight call.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  type ActOptions,
  type GenerativeSession,
  GenerativeSlot,
  generative,
  traceApplication,
  traceBackend,
} from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { ChatContext, Instruction, modelOutput } from '../support/fixtures';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

// A backend call and an act, as plain arrow functions.
const chat = traceBackend.fn(
  'chat',
  async (action: Instruction, _ctx: ChatContext) => modelOutput(`answer to ${action.description}`),
  { system: 'ollama', model: 'granite4.1:3b' },
);
const act = traceApplication.fn('aact', async (action: Instruction) => {
  const output = await chat(action, new ChatContext([1, 2]));
  return { value: output['value'] as string, success: true };
});
const sessionContext = traceApplication.fn('session_context', async function run<T>(body: () => Promise<T>) {
  return body();
});

describe('traceApplication.fn / traceBackend.fn', () => {
  it('give the decorators’ spans, attributes and parent links', async () => {
    const result = await sessionContext(() => act(new Instruction('write')));
    expect(result).toEqual({ value: 'answer to write', success: true });
    expect(spanShape(tracing.tree())).toEqual([['session_context', [['aact', [['chat']]]]]]);

    const aact = tracing.span('aact');
    expect(aact.instrumentationScope.name).toBe('mellea.application');
    expect(aact.attributes).toMatchObject({
      'mellea.action_type': 'Instruction',
      'mellea.has_format': false,
      sampling_success: true,
      num_generate_logs: 1,
      response: 'answer to write',
    });
    const span = tracing.span('chat');
    expect(span.instrumentationScope.name).toBe('mellea.backend');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanContext?.spanId).toBe(aact.spanContext().spanId);
    expect(span.attributes).toMatchObject({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.operation.name': 'chat',
      'mellea.action_type': 'Instruction',
      'mellea.context_size': 2,
      'gen_ai.usage.input_tokens': 150,
      'gen_ai.usage.output_tokens': 42,
      'gen_ai.usage.total_tokens': 192,
      'gen_ai.response.finish_reasons': ['stop'],
    });
  });

  it('keep name and length; a sync function stays sync; `this` is passed through', () => {
    function named(this: { backend: object; ctx: { size: number } }, action: Instruction, _extra?: number): string {
      return `${this.ctx.size}:${action.description}`;
    }
    const traced = traceApplication.fn('aact', named);
    expect([traced.name, traced.length]).toEqual(['named', 2]);
    class OllamaModelBackend {}
    const self = { backend: new OllamaModelBackend(), ctx: { size: 3 } };
    expect(traced.call(self, new Instruction('x'))).toBe('3:x'); // not a promise
    expect(tracing.span('aact').attributes).toMatchObject({
      'mellea.backend': 'OllamaModelBackend',
      'mellea.context_size': 3,
      response: '3:x',
    });
  });

  it('a method-like function assigned to an object gets the object as `this`', async () => {
    const backend = {
      modelId: 'granite4.1:3b',
      generate: traceBackend.fn(undefined, function generate(this: { modelId: string }, actions: Instruction[]) {
        return actions.map((action) => modelOutput(`${this.modelId}:${action.description}`));
      }),
    };
    expect(backend.generate([new Instruction('a'), new Instruction('b')]).map((o) => o['value'])).toEqual([
      'granite4.1:3b:a',
      'granite4.1:3b:b',
    ]);
    expect(tracing.span('text_completion').attributes).toMatchObject({
      'gen_ai.operation.name': 'text_completion', // inferred: an array of actions
      'gen_ai.request.model': 'granite4.1:3b', // this.modelId
      'mellea.num_actions': 2,
      'gen_ai.usage.total_tokens': 384,
    });
  });

  it('a throw or rejection: the same error, the span ERROR with error.type', async () => {
    const failing = traceApplication.fn('aact', async (_action: Instruction): Promise<never> => {
      throw new RangeError('no model');
    });
    await expect(failing(new Instruction('x'))).rejects.toThrow(new RangeError('no model'));
    const span = tracing.span('aact');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no model' });
    expect(span.attributes['error.type']).toBe('RangeError');
  });

  it('options: extra attributes from the call and the result, typed by the function', () => {
    const scored = traceApplication.fn('score', (text: string, weight: number) => text.length * weight, {
      attributes: (_self, [text, weight]) => ({ 'app.text_length': text.length, 'app.weight': weight }),
      resultAttributes: (result) => ({ 'app.score': result }),
    });
    expect(scored('abcd', 2)).toBe(8);
    expect(tracing.span('score').attributes).toMatchObject({ 'app.text_length': 4, 'app.weight': 2, 'app.score': 8 });
  });

  it('keep the signature in the type system', () => {
    const typed = traceApplication.fn('aact', (text: string, times: number): string => text.repeat(times));
    const out: string = typed('ab', 2);
    expect(out).toBe('abab');
    // @ts-expect-error the wrapper keeps the parameter types
    expect(() => typed(2, 'ab')).toThrow();
  });

  it('a non-function is a TypeError where the mistake is made', () => {
    expect(() => traceApplication.fn('aact', 'act' as never)).toThrow(
      new TypeError('traceApplication.fn needs a function to trace; got string'),
    );
    expect(() => traceBackend.fn('chat', undefined as never)).toThrow(TypeError);
  });
});

describe('generative.fn', () => {
  class OllamaModelBackend {
    modelId = 'granite4.1:3b';
    @traceBackend('chat')
    async generateFromContext(action: GenerativeSlot, _ctx: ChatContext) {
      return modelOutput(action.args['text'] === 'I love it' ? 'positive' : 'negative');
    }
  }
  class Session implements GenerativeSession {
    backend = new OllamaModelBackend();
    ctx = new ChatContext();
    seen: [GenerativeSlot, ActOptions | undefined][] = [];
    @traceApplication('aact')
    async act(action: GenerativeSlot, options?: ActOptions) {
      this.seen.push([action, options]);
      const output = await this.backend.generateFromContext(action, this.ctx);
      return { value: output['value'] };
    }
  }
  const SENTIMENT = { enum: ['positive', 'negative'] };

  it('an arrow function becomes a slot acted on through the session: one aact, the chat beneath', async () => {
    const session = new Session();
    let ran = false;
    const sentiment = generative.fn(
      async (text: string): Promise<'positive' | 'negative'> => {
        ran = true;
        return text as never;
      },
      { session, description: 'Classify the sentiment of the text', format: SENTIMENT, name: 'sentiment' },
    );
    expect(await sentiment('I love it')).toBe('positive');
    expect(ran).toBe(false); // the body is not run
    expect(spanShape(tracing.tree())).toEqual([['aact', [['chat']]]]);
    expect(tracing.span('aact').attributes).toMatchObject({
      'mellea.action_type': 'GenerativeSlot',
      'mellea.has_format': true,
      'mellea.backend': 'OllamaModelBackend',
    });
    const [slot, options] = session.seen[0]!;
    expect(slot).toBeInstanceOf(GenerativeSlot);
    expect(slot).toEqual(
      new GenerativeSlot({
        name: 'sentiment',
        description: 'Classify the sentiment of the text',
        args: { text: 'I love it' },
        format: SENTIMENT,
      }),
    );
    expect(options).toEqual({ format: SENTIMENT });
  });

  it('a plain function: its name and parameter names; an untraced act still gives exactly one aact', async () => {
    const calls: GenerativeSlot[] = [];
    const untraced: GenerativeSession = {
      act: (action) => {
        calls.push(action);
        return { value: `${action.name}(${Object.keys(action.args).join(',')})` };
      },
    };
    async function summarise(text: string, maxWords = 10): Promise<string> {
      return `${text}${maxWords}`;
    }
    const slot = generative.fn(summarise, { session: untraced });
    expect(await slot('report', 20)).toBe('summarise(text,maxWords)');
    expect(calls[0]!.args).toEqual({ text: 'report', maxWords: 20 });
    expect(calls[0]!.description).toBe('summarise');
    expect(tracing.spans.map((span) => span.name)).toEqual(['aact']);
    expect(tracing.span('aact').attributes['mellea.action_type']).toBe('GenerativeSlot');
  });

  it('the session option may be a function of the call’s `this`', async () => {
    const owner = {
      session: new Session(),
      classify: generative.fn(async (_text: string): Promise<string> => '', {
        session: (self: { session: Session }) => self.session,
      }),
    };
    expect(await owner.classify('meh')).toBe('negative');
    expect(owner.session.seen).toHaveLength(1);
  });

  it('no session: a TypeError when the function is made; a resolver returning none: the call rejects', async () => {
    expect(() => generative.fn(async () => '', {} as never)).toThrow(
      new TypeError('generative.fn needs the "session" option: the session (or a function returning it)'),
    );
    const orphan = generative.fn(async function orphan() {}, { session: () => undefined as never });
    await expect(orphan()).rejects.toThrow(
      new TypeError(
        'generative.fn orphan needs a session with an act() method: set this.session or the "session" option',
      ),
    );
  });
});

describe('scopes off: a straight call', () => {
  it('no span, the same result and `this`, sync stays sync', async () => {
    const off = createTestTracing({ application: false, backend: false });
    try {
      const self = { n: 2 };
      const double = traceApplication.fn('aact', function double(this: { n: number }, x: number) {
        return x * this.n;
      });
      expect(double.call(self, 21)).toBe(42);
      const generate = traceBackend.fn('chat', async (x: number) => x + 1);
      expect(await generate(1)).toBe(2);
      expect(off.spans).toEqual([]);
    } finally {
      await off.shutdown();
    }
  });
});
