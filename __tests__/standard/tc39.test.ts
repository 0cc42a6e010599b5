// TC39 dialect only: decorators receive (value, context); the same imports work without any compiler flag.
import { traceApplication } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());

describe('TC39 standard decorators', () => {
  it('decorate private and static methods too', async () => {
    class Session {
      static created = 0;
      @traceApplication('static_call')
      static make(): Session {
        Session.created++;
        return new Session();
      }
      @traceApplication('private_call')
      #secret(): number {
        return 42;
      }
      run(): number {
        return this.#secret();
      }
    }
    expect(Session.make().run()).toBe(42);
    expect(tracing.spans.map((span) => span.name).sort()).toEqual(['private_call', 'static_call']);
  });
});
