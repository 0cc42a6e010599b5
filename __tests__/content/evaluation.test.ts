/**
 * Requirement checks as Gen-AI evaluations: each `requirement_validation` span carries
 * `mellea.requirement.passed` and a `gen_ai.evaluation.result` event; the explanation (content) only with
 * message capture on, redacted, and never with MELLEA_TRACE_CONTENT off.
 */
import { redactSecrets, traceApplication } from 'mellea-telemetry';
import { Instruction, Requirement, ScriptedBackend, Session } from 'mellea-telemetry/runtime';
import { createTestTracing, type TestTracingOptions } from 'mellea-telemetry/testing';

async function validations(options: TestTracingOptions) {
  const tracing = createTestTracing(options);
  try {
    const session = new Session(new ScriptedBackend());
    const short = new Requirement('at most 3 words', (output) => ({
      passed: output.split(/\s+/).length <= 3,
      reason: `${output.split(/\s+/).length} words; mail ops@example.com`,
    }));
    await session.validate([short, 'mention tea', 'mention coffee'], 'I drink tea daily');
    return tracing.spansNamed('requirement_validation');
  } finally {
    await tracing.shutdown();
  }
}

describe('requirement_validation spans as evaluations', () => {
  it('pass/fail as an attribute and a gen_ai.evaluation.result event per check (no explanation by default)', async () => {
    const spans = await validations({});
    expect(spans.map((span) => span.attributes['mellea.requirement.passed'])).toEqual([false, true, false]);
    expect(spans.map((span) => span.events.map((event) => [event.name, event.attributes]))).toEqual([
      [
        [
          'gen_ai.evaluation.result',
          { 'gen_ai.evaluation.name': 'at most 3 words', 'gen_ai.evaluation.score.label': 'fail' },
        ],
      ],
      [
        [
          'gen_ai.evaluation.result',
          { 'gen_ai.evaluation.name': 'mention tea', 'gen_ai.evaluation.score.label': 'pass' },
        ],
      ],
      [
        [
          'gen_ai.evaluation.result',
          { 'gen_ai.evaluation.name': 'mention coffee', 'gen_ai.evaluation.score.label': 'fail' },
        ],
      ],
    ]);
  });

  it('with message capture on: the explanation (the function reason, the judge answer), through the redactor', async () => {
    const spans = await validations({ captureMessageContent: true, redact: redactSecrets });
    const explanations = spans.map((span) => span.events[0]!.attributes?.['gen_ai.evaluation.explanation']);
    expect(explanations[0]).toBe('4 words; mail [REDACTED:email]');
    expect(explanations[2]).toBe('No. The output does not mention "coffee".');
    expect(typeof explanations[1]).toBe('string');
  });

  it('content off beats capture on: no explanation, and a content-free name instead of the description', async () => {
    const spans = await validations({ captureMessageContent: true, content: false });
    for (const span of spans) {
      expect(span.events[0]!.attributes?.['gen_ai.evaluation.explanation']).toBeUndefined();
      expect(span.events[0]!.attributes?.['gen_ai.evaluation.score.label']).toMatch(/^(pass|fail)$/);
    }
    expect(spans.map((span) => span.events[0]!.attributes?.['gen_ai.evaluation.name'])).toEqual([
      'Requirement',
      'Requirement',
      'Requirement',
    ]);
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.events]))).not.toMatch(/tea|coffee|3 words/);
  });

  it('inside act: one evaluation per requirement check of each attempt', async () => {
    const tracing = createTestTracing();
    try {
      const backend = new ScriptedBackend({ script: [{ match: 'Name a drink', reply: ['Coffee', 'Green tea'] }] });
      const result = await new Session(backend).act(new Instruction('Name a drink', { requirements: ['mention tea'] }));
      expect(result.success).toBe(true);
      const labels = tracing
        .spansNamed('requirement_validation')
        .map((span) => span.events[0]!.attributes?.['gen_ai.evaluation.score.label']);
      expect(labels).toEqual(['fail', 'pass']);
    } finally {
      await tracing.shutdown();
    }
  });

  it('an `evaluation` option reads other result shapes, on any application span', async () => {
    const tracing = createTestTracing({ captureMessageContent: true });
    try {
      class Grader {
        @traceApplication('grade', {
          evaluation: (result: { ok: boolean; why: string }) => ({
            name: 'tone',
            passed: result.ok,
            explanation: result.why,
          }),
        })
        async grade(): Promise<{ ok: boolean; why: string }> {
          return { ok: true, why: 'polite' };
        }
      }
      await new Grader().grade();
      const span = tracing.span('grade');
      expect(span.attributes['mellea.requirement.passed']).toBe(true);
      expect(span.events[0]!.attributes).toEqual({
        'gen_ai.evaluation.name': 'tone',
        'gen_ai.evaluation.score.label': 'pass',
        'gen_ai.evaluation.explanation': 'polite',
      });
    } finally {
      await tracing.shutdown();
    }
  });
});
