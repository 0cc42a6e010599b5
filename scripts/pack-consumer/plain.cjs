// Plain JavaScript, CommonJS, no decorators: traceMethods over the packed package.
const { traceApplication, traceMethods } = require('mellea-telemetry');
const { createTestTracing } = require('mellea-telemetry/testing');

class Session {
  async act(action) {
    return { value: `did ${action.kind}` };
  }
}
traceMethods(Session, { act: traceApplication('aact') });

const tracing = createTestTracing();
new Session().act({ kind: 'Instruction' }).then(async (result) => {
  const span = tracing.span('aact');
  await tracing.shutdown();
  if (result.value !== 'did Instruction' || span.attributes['response'] !== 'did Instruction') process.exit(1);
  console.log('require ok');
});
