import { RejectionSamplingStrategy, Requirement, ScriptedBackend, Session } from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

const noExclamation = new Requirement('no exclamation marks', (text) =>
  text.includes('!') ? { passed: false, reason: 'found "!"' } : true,
);

it('retries until every requirement passes', async () => {
  const backend = new ScriptedBackend({
    script: [{ match: 'slogan', reply: ['Drink tea now!', 'Calm days begin with tea.'] }],
  });
  const session = new Session(backend);

  const result = await session.instruct('Write a slogan for a tea shop', {
    requirements: ['mention tea', noExclamation],
    strategy: new RejectionSamplingStrategy({ loopBudget: 3 }),
  });

  expect(result.success).toBe(true);
  expect(result.value).toBe('Calm days begin with tea.');
  expect(result.sampleGenerations).toHaveLength(2); // num_generate_logs = 2 on the aact span
  expect(result.sampleValidations[0]!.map((check) => [check.passed, check.reason])).toEqual([
    [true, 'Yes. The output mentions "tea".'],
    [false, 'found "!"'],
  ]);
  expect(tracing.span('aact').attributes).toMatchObject({ sampling_success: true, num_generate_logs: 2 });
});

it('reports failure when the budget runs out', async () => {
  const backend = new ScriptedBackend({ script: [{ match: 'slogan', reply: 'Tea!' }] });
  const result = await new Session(backend).instruct('Write a slogan for a tea shop', {
    requirements: [noExclamation],
    strategy: new RejectionSamplingStrategy({ loopBudget: 2 }),
  });

  expect(result.success).toBe(false);
  expect(result.value).toBe('Tea!'); // the first generation is kept, as in Mellea
  expect(tracing.span('aact').attributes).toMatchObject({ sampling_success: false, num_generate_logs: 2 });
});

it('checks an output you already have', async () => {
  const session = new Session(new ScriptedBackend());
  const checks = await session.validate(['mention tea', noExclamation], 'Green tea, quietly.');
  expect(checks.map((check) => check.passed)).toEqual([true, true]);
  expect(tracing.spansNamed('requirement_validation')).toHaveLength(2);
});
