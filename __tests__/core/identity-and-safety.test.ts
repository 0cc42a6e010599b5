import 'reflect-metadata';
import { traceApplication, traceBackend, traceMethods } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';
import { Instruction } from '../support/fixtures';
import { captureWarnings } from '../support/warnings';

const tracing = createTestTracing();
const warnings = captureWarnings();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

/** A framework-style method decorator that stores metadata on the method function itself (as NestJS SetMetadata does). */
const roles =
  (value: string) =>
  (...args: unknown[]): void => {
    const fn = args.length === 2 ? args[0] : (args[2] as PropertyDescriptor).value;
    Reflect.defineMetadata('roles', value, fn as object);
  };

class Session {
  readonly label = 'mine';

  @traceApplication('aact')
  @roles('admin')
  act(first: unknown, second?: unknown, third?: unknown): string {
    return `${this.label}:${String(first)}:${String(second)}:${String(third)}`;
  }
}

describe('the wrapper keeps the method what it was', () => {
  it('preserves this, name and length', () => {
    const session = new Session();
    expect(session.act('a', 'b')).toBe('mine:a:b:undefined');
    expect(Session.prototype.act.name).toBe('act');
    expect(Session.prototype.act.length).toBe(3);
  });

  it('copies reflect-metadata of the original method onto the wrapper', () => {
    expect(Reflect.getMetadata('roles', Session.prototype.act)).toBe('admin');
  });

  it('traceMethods applies decorators without decorator syntax', async () => {
    class Plain {
      async act(action: unknown): Promise<string> {
        return String((action as Instruction).description);
      }
    }
    traceMethods(Plain, { act: traceApplication('aact') });
    expect(await new Plain().act(new Instruction('hi'))).toBe('hi');
    expect(tracing.span('aact').attributes['mellea.action_type']).toBe('Instruction');
    expect(() => traceMethods(Plain, { missing: traceApplication() } as never)).toThrow(/no method "missing"/);
  });

  it('rejects decorating a non-method with a clear error', () => {
    const decorate = traceApplication('x') as unknown as (...args: unknown[]) => unknown;
    expect(() => decorate({}, 'field', { value: 42 })).toThrow(/can only decorate methods/);
    expect(() => decorate(undefined, { kind: 'field', name: 'f' })).toThrow(/can only decorate methods, not a field/);
  });
});

describe('telemetry failures never reach the host', () => {
  it('a throwing attribute extractor costs its attributes and one warning; the result is untouched', async () => {
    class B {
      modelId = 'm';
      @traceBackend('chat', {
        attributes: () => {
          throw new Error('extractor bug');
        },
        resultAttributes: () => {
          throw new Error('result extractor bug');
        },
      })
      async call(): Promise<string> {
        return 'result';
      }
    }
    const b = new B();
    expect(await b.call()).toBe('result');
    expect(await b.call()).toBe('result');
    const span = tracing.spansNamed('chat')[0]!;
    expect(span.attributes['gen_ai.request.model']).toBe('m'); // conventions kept
    expect(warnings.filter((w) => w.includes('extractor'))).toHaveLength(1);
    expect(warnings[0]).toContain('extractor bug');
  });

  it('a throwing getter on the instance or the argument leaves that attribute out', () => {
    class Hostile {
      get backend(): never {
        throw new Error('getter boom');
      }
      get ctx(): never {
        throw new Error('ctx boom');
      }
      @traceApplication('aact')
      act(_action: unknown): number {
        return 7;
      }
    }
    const action = Object.create(null) as object; // no constructor at all
    expect(new Hostile().act(action)).toBe(7);
    const attributes = tracing.span('aact').attributes;
    expect(attributes['mellea.backend']).toBeUndefined();
    expect(attributes['mellea.context_size']).toBeUndefined();
    expect(warnings.some((w) => w.includes('getter boom'))).toBe(true);
  });

  it('a result whose fields throw still returns the exact result', async () => {
    const result = {
      get usage(): never {
        throw new Error('usage boom');
      },
      model: 'm-2',
    };
    class B {
      @traceBackend('chat')
      async call(): Promise<unknown> {
        return result;
      }
    }
    expect(await new B().call()).toBe(result);
    expect(tracing.span('chat').attributes['gen_ai.response.model']).toBe('m-2');
  });
});
