import {
  RejectionSamplingStrategy,
  Requirement,
  type SamplingStrategy,
  ScriptedBackend,
  Session,
} from 'mellea-telemetry/runtime';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { childrenOf } from './helpers';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

const mentionsTea = 'mention tea';

describe('RejectionSamplingStrategy', () => {
  it('retries until the requirements pass: sampling_success=true, num_generate_logs=2', async () => {
    const backend = new ScriptedBackend({
      script: [{ match: 'haiku', reply: ['Green leaves steep slowly', 'Tea leaves unfold in hot water'] }],
    });
    const session = new Session(backend);
    const result = await session.instruct('Write a haiku', {
      requirements: [mentionsTea],
      strategy: new RejectionSamplingStrategy({ loopBudget: 3 }),
    });

    expect(result.success).toBe(true);
    expect(result.value).toBe('Tea leaves unfold in hot water');
    expect(result.sampleGenerations.map((generation) => generation.value)).toEqual([
      'Green leaves steep slowly',
      'Tea leaves unfold in hot water',
    ]);
    expect(result.sampleValidations.map((validations) => validations.map((validation) => validation.passed))).toEqual([
      [false],
      [true],
    ]);
    expect(result.sampleValidations[0]![0]!.reason).toBe('No. The output does not mention "tea".');
    expect(result.result).toBe(result.sampleGenerations[1]);

    const aact = tracing.span('aact');
    expect(aact.attributes).toMatchObject({
      sampling_success: true,
      num_generate_logs: 2,
      response: 'Tea leaves unfold in hot water',
    });
    expect(spanShape(tracing.tree())).toEqual([
      ['aact', [['chat'], ['requirement_validation', [['chat']]], ['chat'], ['requirement_validation', [['chat']]]]],
    ]);
  });

  it('stops at the budget: sampling_success=false, num_generate_logs=loopBudget, the first generation kept', async () => {
    const backend = new ScriptedBackend({
      script: [{ match: 'haiku', reply: ['Leaves one', 'Leaves two', 'Leaves three', 'Tea at last'] }],
    });
    const session = new Session(backend);
    const result = await session.instruct('Write a haiku', {
      requirements: [mentionsTea],
      strategy: new RejectionSamplingStrategy({ loopBudget: 3 }),
    });

    expect(result.success).toBe(false);
    expect(result.sampleGenerations.map((generation) => generation.value)).toEqual([
      'Leaves one',
      'Leaves two',
      'Leaves three',
    ]);
    expect(result.value).toBe('Leaves one');
    expect(result.sampleValidations.flat().every((validation) => !validation.passed)).toBe(true);
    const aact = tracing.span('aact');
    expect(aact.attributes).toMatchObject({ sampling_success: false, num_generate_logs: 3, response: 'Leaves one' });
    expect(childrenOf(aact, tracing.spans).filter((span) => span.name === 'chat')).toHaveLength(3);
    expect(tracing.spansNamed('requirement_validation')).toHaveLength(3);
  });

  it('uses the session default (loopBudget 2, as in Mellea) when no strategy is given', async () => {
    const backend = new ScriptedBackend({ script: [{ match: 'poem', reply: 'No leaves here' }] });
    const result = await new Session(backend).instruct('Write a poem', { requirements: [mentionsTea] });
    expect(result.success).toBe(false);
    expect(tracing.span('aact').attributes['num_generate_logs']).toBe(2);
  });

  it('needs every requirement to pass on the same generation', async () => {
    const backend = new ScriptedBackend({
      script: [{ match: 'poem', reply: ['tea is fine and long enough here', 'tea'] }],
    });
    const short = new Requirement('at most 3 words', (output) => output.split(/\s+/).length <= 3);
    const result = await new Session(backend).instruct('Write a poem', {
      requirements: [mentionsTea, short],
      strategy: new RejectionSamplingStrategy({ loopBudget: 2 }),
    });
    expect(result.sampleValidations.map((validations) => validations.map((validation) => validation.passed))).toEqual([
      [true, false],
      [true, true],
    ]);
    expect(result.success).toBe(true);
    expect(result.value).toBe('tea');
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(() => new RejectionSamplingStrategy({ loopBudget: 0 })).toThrow(RangeError);
    expect(() => new RejectionSamplingStrategy({ loopBudget: 1.5 })).toThrow('loopBudget must be an integer ≥ 1');
  });

  it('accepts a custom strategy through the SamplingStrategy interface', async () => {
    const bestOfTwo: SamplingStrategy = {
      async sample(run) {
        const generations = [await run.generate(), await run.generate()];
        const validations = await Promise.all(generations.map((generation) => run.validate(generation)));
        const best = validations.findIndex((list) => list.every((validation) => validation.passed));
        return {
          success: best >= 0,
          sampleGenerations: generations,
          sampleValidations: validations,
          result: generations[Math.max(best, 0)]!,
        };
      },
    };
    const backend = new ScriptedBackend({ script: [{ match: 'poem', reply: ['no leaves', 'tea leaves'] }] });
    const result = await new Session(backend).instruct('Write a poem', {
      requirements: [mentionsTea],
      strategy: bestOfTwo,
    });
    expect(result.value).toBe('tea leaves');
    expect(tracing.span('aact').attributes).toMatchObject({ sampling_success: true, num_generate_logs: 2 });
  });
});
