import { SpanStatusCode } from '@opentelemetry/api';
import {
  ChatContext,
  Instruction,
  Message,
  Requirement,
  renderMessages,
  ScriptedBackend,
  Session,
  SimpleContext,
  TemplateError,
} from 'mellea-telemetry/runtime';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { childrenOf, expectedInputTokens, expectedOutputTokens, parentOf } from './helpers';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

describe('Session span tree', () => {
  it('nests session_context → aact → chat + requirement_validation (→ judge chat)', async () => {
    const backend = new ScriptedBackend({ script: [{ match: 'haiku', reply: 'Steam rises from tea' }] });
    const session = new Session(backend);
    await session.run((m) => m.instruct('Write a haiku about tea', { requirements: ['mention tea'] }));

    expect(spanShape(tracing.tree())).toEqual([
      ['session_context', [['aact', [['chat'], ['requirement_validation', [['chat']]]]]]],
    ]);
    const aact = tracing.span('aact');
    expect(aact.instrumentationScope.name).toBe('mellea.application');
    expect(aact.attributes).toMatchObject({
      'mellea.action_type': 'Instruction',
      'mellea.backend': 'ScriptedBackend',
      'mellea.context_size': 0,
      'mellea.has_format': false,
      sampling_success: true,
      num_generate_logs: 1,
      response: 'Steam rises from tea',
    });
    const validation = tracing.span('requirement_validation');
    expect(validation.attributes['mellea.action_type']).toBe('Requirement');
    expect(parentOf(validation, tracing.spans)).toBe(aact);
  });

  it('gives each chat span the Gen-AI attributes with the usage of the rendered prompt', async () => {
    const backend = new ScriptedBackend({
      modelId: 'scripted-large',
      script: [{ match: 'Summarise', reply: 'Short.' }],
    });
    const session = new Session(backend);
    const instruction = new Instruction('Summarise the report');
    const result = await session.act(instruction);

    const chat = tracing.span('chat');
    const input = expectedInputTokens(renderMessages(instruction, new SimpleContext()));
    expect(chat.instrumentationScope.name).toBe('mellea.backend');
    expect(chat.attributes).toMatchObject({
      'gen_ai.system': 'scripted',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'scripted-large',
      'gen_ai.response.model': 'scripted-large',
      'gen_ai.response.id': result.result.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': expectedOutputTokens('Short.'),
      'gen_ai.usage.total_tokens': input + expectedOutputTokens('Short.'),
      'mellea.backend': 'ScriptedBackend',
      'mellea.action_type': 'Instruction',
      'mellea.context_size': 0,
    });
    expect(result).toMatchObject({ value: 'Short.', success: true, sampleValidations: [[]] });
    expect(result.sampleGenerations).toHaveLength(1);
  });

  it('records the real context size on aact and chat as a chat context grows', async () => {
    const session = new Session(new ScriptedBackend(), { ctx: new ChatContext() });
    await session.run(async (m) => {
      await m.chat('Hello');
      await m.chat('How are you?');
      await m.chat('Bye');
    });
    const sizes = (name: string) => tracing.spansNamed(name).map((span) => span.attributes['mellea.context_size']);
    expect(sizes('aact')).toEqual([0, 2, 4]);
    expect(sizes('chat')).toEqual([0, 2, 4]);
    expect(tracing.spansNamed('aact').map((span) => span.attributes['mellea.action_type'])).toEqual([
      'Message',
      'Message',
      'Message',
    ]);
    expect(session.ctx.size).toBe(6);
    expect(tracing.span('session_context').attributes['mellea.context_size']).toBe(0);
  });

  it('keeps every span of a run in one trace, session_context the only root', async () => {
    const session = new Session(new ScriptedBackend(), { ctx: new ChatContext() });
    await session.run(async (m) => {
      await m.chat('one');
      await m.instruct('Write about {{topic}}', { userVariables: { topic: 'tea' }, requirements: ['mention tea'] });
    });
    const root = tracing.span('session_context');
    expect(new Set(tracing.spans.map((span) => span.spanContext().traceId))).toEqual(
      new Set([root.spanContext().traceId]),
    );
    expect(tracing.spans.filter((span) => parentOf(span, tracing.spans) === undefined)).toEqual([root]);
    expect(childrenOf(root, tracing.spans).map((span) => span.name)).toEqual(['aact', 'aact']);
  });

  it('propagates a backend error unchanged and marks chat and aact as ERROR', async () => {
    const failure = new Error('model crashed');
    const backend = new ScriptedBackend({
      script: [
        {
          match: 'boom',
          reply: () => {
            throw failure;
          },
        },
      ],
    });
    const session = new Session(backend);
    await expect(session.run((m) => m.chat('boom'))).rejects.toBe(failure);
    for (const name of ['chat', 'aact', 'session_context']) {
      const span = tracing.span(name);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('Error');
    }
  });
});

describe('contexts', () => {
  it('a SimpleContext keeps no history: size 0 and the backend sees only the action', async () => {
    const backend = new ScriptedBackend();
    const session = new Session(backend);
    await session.chat('Hello');
    const second = await session.chat('Hello again');
    expect(session.ctx.size).toBe(0);
    expect(second.content).not.toContain('earlier messages');
    expect(tracing.spansNamed('aact').map((span) => span.attributes['mellea.context_size'])).toEqual([0, 0]);
  });

  it('a ChatContext window keeps only the last N items, and the backend sees only those', async () => {
    const session = new Session(new ScriptedBackend(), { ctx: new ChatContext({ window: 3 }) });
    await session.chat('first');
    await session.chat('second');
    const third = await session.chat('third');
    expect(tracing.spansNamed('aact').map((span) => span.attributes['mellea.context_size'])).toEqual([0, 2, 3]);
    expect(third.content).toContain('I can see 3 earlier messages');
    expect(session.ctx.size).toBe(3);
    expect(session.ctx.items.map((item) => (item as Message).role)).toEqual(['assistant', 'user', 'assistant']);
    expect((session.ctx.items[1] as Message).content).toBe('third');
    expect((session.ctx.items[2] as Message).content).toBe(third.content);
  });

  it('ChatContext is immutable: add returns a new context', () => {
    const empty = new ChatContext({ window: 2 });
    const one = empty.add(new Message('user', 'a'));
    const three = one.add(new Message('assistant', 'b'), new Message('user', 'c'));
    expect(empty.size).toBe(0);
    expect(one.size).toBe(1);
    expect(three.size).toBe(2);
    expect(three.messages()).toEqual([
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
    ]);
    expect(() => new ChatContext({ window: 0 })).toThrow(RangeError);
    expect(() => new ChatContext({ window: 1.5 })).toThrow(RangeError);
  });
});

describe('instruct and chat', () => {
  it('fills {{name}} placeholders in the description and the requirements', async () => {
    const backend = new ScriptedBackend();
    const session = new Session(backend);
    const result = await session.instruct('Write a poem about {{topic}} for {{ who }}', {
      userVariables: { topic: 'tea', who: 'Ada' },
      requirements: [new Requirement('mention {{topic}}', (output) => output.includes('tea'))],
    });
    expect(result.value).toBe('A scripted answer to: Write a poem about tea for Ada');
    expect(result.sampleValidations[0]![0]!.requirement.description).toBe('mention tea');
    expect(result.success).toBe(true);
  });

  it('rejects a missing template variable with a TemplateError before any span', async () => {
    const session = new Session(new ScriptedBackend());
    await expect(session.instruct('About {{topic}}', { userVariables: {} })).rejects.toThrow(TemplateError);
    await expect(session.instruct('About {{topic}}', { userVariables: {} })).rejects.toThrow('no value for {{topic}}');
    expect(tracing.spans).toHaveLength(0);
  });

  it("act uses an Instruction's own format: parsed value, has_format on aact and chat", async () => {
    const format = { type: 'object', properties: { sentiment: { type: 'string' } }, required: ['sentiment'] };
    const result = await new Session(new ScriptedBackend()).act(new Instruction('Rate this: I love it', { format }));
    expect(result.value).toEqual({ sentiment: 'positive' });
    expect(tracing.span('chat').attributes['mellea.has_format']).toBe(true);
    expect(tracing.span('aact').attributes['mellea.has_format']).toBe(true);
    const prompt = new Instruction('Rate this: I love it', { format }).toMessages()[0]!.content;
    expect(prompt).toBe(
      `Rate this: I love it\n\nAnswer with JSON only, matching this JSON schema: ${JSON.stringify(format)}`,
    );
  });

  it('chat returns the assistant message and appends both turns to a chat context', async () => {
    const session = new Session(new ScriptedBackend(), { ctx: new ChatContext() });
    const reply = await session.chat('Hello');
    expect(reply).toBeInstanceOf(Message);
    expect(reply.role).toBe('assistant');
    expect(reply.content).toBe('Hello! I am a scripted assistant running offline.');
    expect(session.ctx.messages()).toEqual([
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: reply.content },
    ]);
  });
});
