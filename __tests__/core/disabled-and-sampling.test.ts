import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { isApplicationTracingEnabled, isBackendTracingEnabled, traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';

/**
 * Records every property read on the instance, argument and result: attribute work leaves traces here.
 * `then`/`next` are left out: the language itself (await) and result dispatch probe those.
 */
function watched<T extends object>(target: T, reads: string[]): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'string' && key !== 'then' && key !== 'next') reads.push(key);
      return Reflect.get(object, key, receiver);
    },
  });
}

class Work {
  backend = { name: 'b' };
  ctx = { size: 2 };
  @traceApplication('aact')
  async act(action: unknown, result: unknown): Promise<unknown> {
    void action;
    return result;
  }
  @traceBackend('chat')
  sync(result: unknown): unknown {
    return result;
  }
}

describe('tracing off at import', () => {
  it('registers nothing global: no context manager, no tracer provider', () => {
    expect(isApplicationTracingEnabled()).toBe(false);
    expect(isBackendTracingEnabled()).toBe(false);
    const probe = ROOT_CONTEXT.setValue(createContextKey('probe'), 1);
    expect(context.with(probe, () => context.active())).toBe(ROOT_CONTEXT);
    const provider = trace.getTracerProvider() as unknown as { getDelegate(): object };
    expect(provider.getDelegate().constructor.name).toBe('NoopTracerProvider');
  });

  it('a disabled scope is a pass-through: same results and errors, no attribute work at all', async () => {
    const reads: string[] = [];
    const work = watched(new Work(), reads);
    const action = watched({ kind: 'Instruction' }, reads);
    const result = watched({ value: 'v', usage: { inputTokens: 1 } }, reads);
    expect(await work.act(action, result)).toBe(result);
    expect(work.sync(result)).toBe(result);
    expect(reads).toEqual(['act', 'sync']); // only the method look-ups themselves
    const error = new Error('x');
    class Throwing {
      @traceBackend('chat')
      fail(): never {
        throw error;
      }
    }
    expect(() => new Throwing().fail()).toThrow(error);
  });
});

describe('sampled out', () => {
  it('skips all attribute work and exports nothing, results unchanged', async () => {
    const tracing = createTestTracing({ sampler: new AlwaysOffSampler() });
    const reads: string[] = [];
    const work = watched(new Work(), reads);
    const result = watched({ value: 'v' }, reads);
    expect(await work.act(watched({}, reads), result)).toBe(result);
    expect(work.sync(result)).toBe(result);
    expect(reads).toEqual(['act', 'sync']);
    expect(tracing.spans).toHaveLength(0);
    await tracing.shutdown();
  });
});

describe('content switch (MELLEA_TRACE_CONTENT=false)', () => {
  it('records no response and never converts the response to a string', async () => {
    const tracing = createTestTracing({ content: false });
    try {
      const stringified: string[] = [];
      const value = {
        toJSON() {
          stringified.push('toJSON');
          return 'secret';
        },
        toString() {
          stringified.push('toString');
          return 'secret';
        },
      };
      await new Work().act({}, { value, success: true });
      const attributes = tracing.span('aact').attributes;
      expect(attributes['response']).toBeUndefined();
      expect(attributes['sampling_success']).toBe(true);
      expect(attributes['num_generate_logs']).toBe(1);
      expect(stringified).toEqual([]);
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('testing harness', () => {
  it('restores the previous state on shutdown', async () => {
    const tracing = createTestTracing({ application: true, backend: false });
    expect([isApplicationTracingEnabled(), isBackendTracingEnabled()]).toEqual([true, false]);
    await tracing.shutdown();
    expect([isApplicationTracingEnabled(), isBackendTracingEnabled()]).toEqual([false, false]);
  });

  it('span() explains what was found when the name is missing', async () => {
    const tracing = createTestTracing();
    try {
      new Work().sync(1);
      expect(() => tracing.span('aact')).toThrow('expected exactly one finished span "aact", found 0 (finished: chat)');
    } finally {
      await tracing.shutdown();
    }
  });
});
