import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { traceApplication } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';
import { ChatContext, Instruction, JsonFormat } from '../support/fixtures';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

class OllamaModelBackend {}

class Session {
  backend = new OllamaModelBackend();
  ctx = new ChatContext(['a', 'b', 'c']);

  @traceApplication('aact')
  async act(action: unknown, options?: { format?: unknown }): Promise<unknown> {
    return {
      value: `done: ${String((action as Instruction).description)}`,
      success: true,
      sampleGenerations: [1, 2],
      options,
    };
  }

  @traceApplication()
  async plain(action: unknown): Promise<unknown> {
    return action;
  }
}

describe('application spans (spec table "Application spans")', () => {
  it('records every attribute of the spec table on an act call', async () => {
    await new Session().act(new Instruction('summarise'), { format: JsonFormat });
    const span = tracing.span('aact');
    expect(span.instrumentationScope.name).toBe('mellea.application');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toEqual({
      'mellea.backend': 'OllamaModelBackend',
      'mellea.action_type': 'Instruction',
      'mellea.context_size': 3,
      'mellea.has_format': true,
      sampling_success: true,
      num_generate_logs: 2,
      response: 'done: summarise',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('has_format is false without a format, and the span name defaults to the method name', async () => {
    await new Session().act(new Instruction('x'));
    expect(tracing.span('aact').attributes['mellea.has_format']).toBe(false);
    await new Session().plain(new Instruction('y'));
    expect(tracing.spansNamed('plain')).toHaveLength(1);
  });

  it('reads the context size from `context` and from `length` too', async () => {
    class Other {
      context = ['only'];
      @traceApplication('aact')
      act(action: unknown): string {
        return String(action);
      }
    }
    new Other().act(new Instruction('z'));
    expect(tracing.span('aact').attributes['mellea.context_size']).toBe(1);
  });

  it.each([
    ['a string result', 'plain text', { num_generate_logs: 1, response: 'plain text' }],
    ['result.value', { value: 'v' }, { num_generate_logs: 1, response: 'v' }],
    ['result.result.value', { result: { value: 'nested' } }, { num_generate_logs: 1, response: 'nested' }],
    ['result.content', { content: 'c' }, { num_generate_logs: 1, response: 'c' }],
    [
      'an object value (JSON)',
      { value: { label: 'positive' } },
      { num_generate_logs: 1, response: '{"label":"positive"}' },
    ],
    [
      'a failed sampling result',
      { success: false, sampleGenerations: ['a', 'b', 'c'], result: { value: 'last' } },
      { sampling_success: false, num_generate_logs: 3, response: 'last' },
    ],
    ['no response at all', { other: 1 }, {}],
  ])('takes result attributes from %s', async (_label, result, expected) => {
    class S {
      @traceApplication('aact')
      async act(): Promise<unknown> {
        return result;
      }
    }
    await new S().act();
    const attributes = { ...tracing.span('aact').attributes };
    delete attributes['mellea.context_size'];
    expect(attributes).toEqual(expected);
  });
});
