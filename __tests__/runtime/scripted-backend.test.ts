import { GenerativeSlot } from 'mellea-telemetry';
import {
  ChatContext,
  Instruction,
  Message,
  Requirement,
  renderMessages,
  ScriptedBackend,
  SimpleContext,
  type StreamChunk,
} from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';
import { entitiesOf, judge, sentimentOf } from '../../runtime/backends/scripted-rules';
import { expectedInputTokens, expectedOutputTokens } from './helpers';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

describe('ScriptedBackend', () => {
  it('reports usage from the rendered prompt (history included), model, ids in sequence and finish reasons', async () => {
    const backend = new ScriptedBackend({ modelId: 'scripted-7b', script: [{ match: 'ping', reply: 'pong pong' }] });
    const ctx = new ChatContext().add(
      new Message('user', 'Earlier question'),
      new Message('assistant', 'Earlier answer'),
    );
    const action = new Message('user', 'ping');
    const first = await backend.generateFromContext(action, ctx);
    const second = await backend.generateFromContext(action, new SimpleContext());

    const input = expectedInputTokens(renderMessages(action, ctx));
    expect(first).toEqual({
      value: 'pong pong',
      usage: {
        inputTokens: input,
        outputTokens: expectedOutputTokens('pong pong'),
        totalTokens: input + expectedOutputTokens('pong pong'),
      },
      model: 'scripted-7b',
      id: 'scripted-1',
      finishReasons: ['stop'],
    });
    expect(second.id).toBe('scripted-2');
    expect(second.usage!.inputTokens).toBeLessThan(first.usage!.inputTokens);
    expect(backend.calls).toBe(2);
    expect(tracing.spansNamed('chat').map((span) => span.attributes['mellea.context_size'])).toEqual([2, 0]);
  });

  it('cuts the answer at maxTokens with finish reason "length"', async () => {
    const backend = new ScriptedBackend({ script: [{ match: 'long', reply: 'x'.repeat(100) }] });
    const output = await backend.generateFromContext(new Message('user', 'long'), new SimpleContext(), {
      maxTokens: 5,
    });
    expect(output.value).toBe('x'.repeat(20));
    expect(output.usage!.outputTokens).toBe(5);
    expect(output.finishReasons).toEqual(['length']);
    expect(tracing.span('chat').attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
  });

  it('answers a batch with generateFromRaw: one text_completion span with num_actions and summed usage', async () => {
    const backend = new ScriptedBackend();
    const outputs = await backend.generateFromRaw([
      new Message('user', 'hello'),
      new Message('user', 'Is it raining?'),
    ]);
    expect(outputs.map((output) => output.id)).toEqual(['scripted-1', 'scripted-2']);
    const span = tracing.span('text_completion');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'mellea.num_actions': 2,
      'mellea.action_type': 'Message',
      'gen_ai.usage.input_tokens': outputs[0]!.usage!.inputTokens + outputs[1]!.usage!.inputTokens,
      'gen_ai.usage.output_tokens': outputs[0]!.usage!.outputTokens + outputs[1]!.usage!.outputTokens,
      'gen_ai.response.finish_reasons': ['stop', 'stop'],
    });
  });

  it('streams the same answer: id and model first, usage last; the chat span ends when the stream does', async () => {
    const backend = new ScriptedBackend();
    const action = new Message('user', 'Hello there');
    const chunks: StreamChunk[] = [];
    for await (const chunk of backend.streamFromContext(action, new SimpleContext())) {
      chunks.push(chunk);
      expect(tracing.spansNamed('chat')).toHaveLength(0);
    }
    const whole = await new ScriptedBackend().generateFromContext(action, new SimpleContext());
    expect(chunks.map((chunk) => chunk.delta).join('')).toBe(whole.value);
    expect(chunks[0]).toMatchObject({ id: 'scripted-1', model: 'scripted-1' });
    expect(chunks.at(-1)).toEqual({ delta: '', usage: whole.usage, finishReasons: ['stop'] });
    const streamed = tracing.spansNamed('chat')[0]!;
    expect(streamed.attributes).toMatchObject({
      'gen_ai.response.id': 'scripted-1',
      'gen_ai.response.model': 'scripted-1',
      'gen_ai.usage.input_tokens': whole.usage!.inputTokens,
      'gen_ai.usage.output_tokens': whole.usage!.outputTokens,
      'gen_ai.response.finish_reasons': ['stop'],
    });
  });

  it('answers script entries in turn (the last repeats), by substring, RegExp or predicate', async () => {
    const backend = new ScriptedBackend({
      script: [
        { match: /^count/, reply: ['one', 'two'] },
        { match: (prompt) => prompt.endsWith('!'), reply: (prompt) => prompt.toUpperCase() },
        { match: 'plain', reply: 'fixed' },
      ],
    });
    const ask = async (text: string) =>
      (await backend.generateFromContext(new Message('user', text), new SimpleContext())).value;
    expect([await ask('count'), await ask('count'), await ask('count')]).toEqual(['one', 'two', 'two']);
    expect(await ask('wow!')).toBe('WOW!');
    expect(await ask('a plain ask')).toBe('fixed');
  });

  it('judges a requirement by rules against the last assistant message', async () => {
    const backend = new ScriptedBackend();
    const ctx = new ChatContext().add(new Message('assistant', 'Steaming green tea'));
    await expect(backend.generateFromContext(new Requirement('mention tea'), ctx)).resolves.toMatchObject({
      value: 'Yes. The output mentions "tea".',
    });
    await expect(backend.generateFromContext(new Requirement('under 3 words'), ctx)).resolves.toMatchObject({
      value: 'No. The output has 3 words, over the limit of 3.',
    });
  });

  it('builds JSON for a JSON schema and plain answers for unformatted slots', async () => {
    const backend = new ScriptedBackend();
    const slot = (name: string, format?: unknown) =>
      new GenerativeSlot({
        name,
        description: name,
        args: { text: 'I hate the slow service at Grand Hotel in Paris' },
        format,
      });
    const ask = async (action: Instruction | GenerativeSlot) =>
      (await backend.generateFromContext(action, new SimpleContext())).value;
    expect(await ask(slot('sentiment'))).toBe('negative');
    expect(await ask(slot('entities'))).toBe('Grand Hotel, Paris');
    expect(
      JSON.parse(
        await ask(
          slot('classify', {
            type: 'object',
            properties: { label: { enum: ['pos', 'neg'] }, ok: { type: 'boolean' } },
          }),
        ),
      ),
    ).toEqual({
      label: 'neg',
      ok: true,
    });
    expect(await ask(new Instruction('Write a limerick\nabout cats'))).toBe('A scripted answer to: Write a limerick');
  });
});

describe('scripted rules', () => {
  it('sentiment by word counts', () => {
    expect(sentimentOf('I love it, great!')).toBe('positive');
    expect(sentimentOf('Awful, slow and rude.')).toBe('negative');
    expect(sentimentOf('It is a chair.')).toBe('neutral');
  });

  it('entities: capitalised runs minus sentence starters', () => {
    expect(entitiesOf('The meeting with Grace Hopper was in New York. Then Alan Turing called.')).toEqual([
      'Grace Hopper',
      'New York',
      'Alan Turing',
    ]);
  });

  it('judge: word limits, mentions, starts, lower case, else yes', () => {
    expect(judge('at most 4 words', 'one two three four')).toMatch(/^Yes/);
    expect(judge('fewer than 4 words', 'one two three four')).toMatch(/^No/);
    expect(judge('starts with Dear', 'Dear Ada, hello')).toMatch(/^Yes/);
    expect(judge('all lower case', 'Hello')).toMatch(/^No/);
    expect(judge('be kind', 'anything')).toMatch(/^Yes\. No rule/);
  });
});
