// Plain JavaScript, ESM, no decorators: traceMethods over the packed package; one shared state with the testing entry.
import { isBackendTracingEnabled, traceBackend, traceMethods } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';

class OpenAIBackend {
  model = 'gpt-4o';
  async generateFromContext() {
    return { value: 'x', id: 'r1' };
  }
}
traceMethods(OpenAIBackend, { generateFromContext: traceBackend('chat') });

const tracing = createTestTracing();
if (!isBackendTracingEnabled()) process.exit(2);
await new OpenAIBackend().generateFromContext({}, { size: 0 });
const span = tracing.span('chat');
await tracing.shutdown();
if (span.attributes['gen_ai.system'] !== 'openai' || span.attributes['gen_ai.response.id'] !== 'r1') process.exit(1);
console.log('import ok');
