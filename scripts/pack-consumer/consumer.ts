// Compiled twice by scripts/check-pack.mjs against the packed package: legacy decorators + CommonJS, and TC39
// decorators + ESM. Exits non-zero unless the spans come out nested with their attributes.
import 'reflect-metadata';
import { traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';

class OllamaModelBackend {
  modelId = 'granite4.1:3b';
  @traceBackend('chat')
  async generateFromContext(_action: object, _ctx: { size: number }): Promise<object> {
    return { value: 'hi', usage: { inputTokens: 3, outputTokens: 4 } };
  }
}

class Session {
  backend = new OllamaModelBackend();
  ctx = { size: 0 };
  @traceApplication('aact')
  async act(action: object): Promise<object> {
    return this.backend.generateFromContext(action, this.ctx);
  }
}

async function main(): Promise<void> {
  const tracing = createTestTracing();
  await new Session().act({ kind: 'Instruction' });
  const shape = JSON.stringify(spanShape(tracing.tree()));
  const usage = tracing.span('chat').attributes['gen_ai.usage.total_tokens'];
  await tracing.shutdown();
  if (shape !== '[["aact",[["chat"]]]]' || usage !== 7)
    throw new Error(`unexpected spans: ${shape}, total_tokens=${String(usage)}`);
  console.log('consumer ok');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
