// The CommonJS and ESM builds loaded in one process share one switchboard: classes decorated through require()
// are traced by the test tracing set up through import.
import { createRequire } from 'node:module';
import { createTestTracing } from 'mellea-telemetry/testing';

const require = createRequire(import.meta.url);
const { traceApplication, traceMethods, isApplicationTracingEnabled } = require('mellea-telemetry');

class Session {
  act() {
    return 'ok';
  }
}
traceMethods(Session, { act: traceApplication('aact') });

const tracing = createTestTracing();
const result = new Session().act({});
const names = tracing.spans.map((span) => span.name);
await tracing.shutdown();
if (result !== 'ok' || names.join() !== 'aact' || isApplicationTracingEnabled()) process.exit(1);
console.log('mixed ok');
