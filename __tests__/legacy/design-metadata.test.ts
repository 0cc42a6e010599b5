// Legacy dialect only: emitDecoratorMetadata gives design:* metadata, which the SDK uses when present.
import 'reflect-metadata';
import { GenerativeSlot, generative, traceApplication } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

class Person {
  name = '';
}

class Session {
  lastFormat: unknown;
  @traceApplication('aact')
  async act(action: GenerativeSlot, options?: { format?: unknown }): Promise<{ value: unknown }> {
    this.lastFormat = options?.format;
    return { value: { name: String(action.args['text']) } };
  }
}

class Extractor {
  constructor(readonly session: Session) {}

  // A sync signature declares its class return type; the compiler records it as design:returntype.
  @generative({ description: 'Extract the person' })
  extract(text: string): Person {
    return text as never;
  }
}

describe('design:returntype (legacy dialect)', () => {
  it('is used as the @generative format when no format option is given', async () => {
    const session = new Session();
    const result = (await (new Extractor(session).extract('Ada') as unknown as Promise<unknown>)) as { name: string };
    expect(result).toEqual({ name: 'Ada' });
    expect(session.lastFormat).toBe(Person);
    expect(tracing.span('aact').attributes['mellea.has_format']).toBe(true);
  });

  it('design:* metadata on the prototype survives decoration', () => {
    expect(Reflect.getMetadata('design:paramtypes', Session.prototype, 'act')).toEqual([GenerativeSlot, Object]);
    expect(Reflect.getMetadata('design:returntype', Extractor.prototype, 'extract')).toBe(Person);
  });
});
