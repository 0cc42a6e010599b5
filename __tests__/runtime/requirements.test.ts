import { Instruction, Requirement, ScriptedBackend, Session, ValidationResult } from 'mellea-telemetry/runtime';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { parseJudgeAnswer } from '../../runtime/requirement';
import { parentOf } from './helpers';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

describe('requirements', () => {
  it('a function-validated requirement runs the function: no judge call, its reason kept', async () => {
    const backend = new ScriptedBackend();
    const session = new Session(backend);
    const seen: string[] = [];
    const short = new Requirement('at most 5 words', async (output) => {
      seen.push(output);
      return { passed: output.split(/\s+/).length <= 5, reason: `${output.split(/\s+/).length} words` };
    });
    const [result] = await session.validate([short], 'one two three four five six');

    expect(seen).toEqual(['one two three four five six']);
    expect(result).toBeInstanceOf(ValidationResult);
    expect(result).toMatchObject({ passed: false, reason: '6 words', judge: 'function', requirement: short });
    expect(backend.calls).toBe(0);
    expect(spanShape(tracing.tree())).toEqual([['requirement_validation']]);
    expect(tracing.span('requirement_validation').attributes).toMatchObject({
      'mellea.action_type': 'Requirement',
      'mellea.backend': 'ScriptedBackend',
      'mellea.context_size': 0,
    });
  });

  it('an LLM-judged requirement asks the backend: the judge chat span is beneath requirement_validation', async () => {
    const backend = new ScriptedBackend();
    const session = new Session(backend);
    const results = await session.validate(['mention tea', 'mention coffee'], 'I drink tea every morning');

    expect(results.map((result) => [result.passed, result.judge])).toEqual([
      [true, 'model'],
      [false, 'model'],
    ]);
    expect(results[1]!.reason).toBe('No. The output does not mention "coffee".');
    const validations = tracing.spansNamed('requirement_validation');
    const judges = tracing.spansNamed('chat');
    expect(validations).toHaveLength(2);
    expect(judges).toHaveLength(2);
    for (const judge of judges) {
      expect(validations).toContain(parentOf(judge, tracing.spans));
      expect(judge.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'mellea.action_type': 'Requirement',
        // the judge sees the output as one assistant item
        'mellea.context_size': 1,
      });
      expect(judge.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    }
  });

  it('inside act, the judge sees the action and the output after the context', async () => {
    const backend = new ScriptedBackend({ script: [{ match: 'Name a drink', reply: 'Green tea' }] });
    const result = await new Session(backend).act(new Instruction('Name a drink', { requirements: ['mention tea'] }));
    expect(result.success).toBe(true);
    const judge = tracing.spansNamed('chat').find((span) => span.attributes['mellea.action_type'] === 'Requirement')!;
    expect(judge.attributes['mellea.context_size']).toBe(2);
    expect(parentOf(judge, tracing.spans)!.name).toBe('requirement_validation');
  });

  it('mixes judged and function requirements in one check', async () => {
    const session = new Session(new ScriptedBackend());
    const results = await session.validate(
      ['mention tea', new Requirement('lower case', (output) => output === output.toLowerCase())],
      'Tea',
    );
    expect(results.map((result) => result.passed)).toEqual([true, false]);
    expect(spanShape(tracing.tree()).sort()).toEqual(
      [['requirement_validation'], ['requirement_validation', [['chat']]]].sort(),
    );
  });

  it("a validation function's error propagates and fails its span", async () => {
    const failure = new Error('validator bug');
    const broken = new Requirement('anything', () => {
      throw failure;
    });
    await expect(new Session(new ScriptedBackend()).validate([broken], 'x')).rejects.toBe(failure);
    expect(tracing.span('requirement_validation').attributes['error.type']).toBe('Error');
  });

  it('a validation function must return a boolean or { passed }', async () => {
    const odd = new Requirement('odd', () => 'yes' as never);
    await expect(new Session(new ScriptedBackend()).validate([odd], 'x')).rejects.toThrow(TypeError);
  });

  it('reads judge answers by their leading yes/no', () => {
    expect(parseJudgeAnswer('Yes. It does.')).toBe(true);
    expect(parseJudgeAnswer('**yes**, it mentions tea')).toBe(true);
    expect(parseJudgeAnswer('  YES')).toBe(true);
    expect(parseJudgeAnswer('No. It does not.')).toBe(false);
    expect(parseJudgeAnswer('Yesterday it was fine')).toBe(false);
    expect(parseJudgeAnswer('It does, yes')).toBe(false);
  });

  it('renders the judge question with the requirement', () => {
    expect(new Requirement('be polite').toMessages()).toEqual([
      { role: 'user', content: expect.stringContaining('Requirement: be polite') },
    ]);
    expect(new Requirement('be polite').judgedByModel).toBe(true);
    expect(new Requirement('short', () => true).judgedByModel).toBe(false);
  });
});
