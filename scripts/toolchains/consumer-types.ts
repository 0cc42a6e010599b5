// Type-checked by scripts/check-toolchains.mjs against the packed package: every entry, under TypeScript 5.9 and
// 6.0, each module setting and both decorator dialects (copied as consumer-types.mts for the ESM side).
import 'reflect-metadata';
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  backendInfo,
  configureTelemetry,
  type GenerativeSlot,
  generative,
  getTelemetryConfig,
  type TelemetryConfig,
  traceApplication,
  traceBackend,
  traceMethods,
} from 'mellea-telemetry';
import { ScriptedBackend, type Session } from 'mellea-telemetry/runtime';
import { createTestTracing, type SpanNode, spanShape, type TestTracing } from 'mellea-telemetry/testing';

@backendInfo({ system: 'echo' })
class EchoBackend {
  modelId = 'echo-1';

  @traceBackend('chat')
  async generate(action: GenerativeSlot | string): Promise<{ value: string }> {
    return { value: typeof action === 'string' ? action : action.name };
  }
}

class EchoSession {
  backend = new EchoBackend();

  @traceApplication('aact')
  async act(prompt: string): Promise<string> {
    return (await this.backend.generate(prompt)).value;
  }

  plain(): number {
    return 1;
  }

  @generative({ description: 'Summarise the text' })
  async summarize(_text: string): Promise<string> {
    throw new Error('replaced by @generative');
  }
}
traceMethods(EchoSession, { plain: traceApplication('plain') });

export async function check(session: Session): Promise<SpanNode[]> {
  const tracing: TestTracing = createTestTracing();
  const config: TelemetryConfig = configureTelemetry({ application: true });
  const value: string = await new EchoSession().act('hi');
  const model: string = ATTR_GEN_AI_REQUEST_MODEL;
  const shape: unknown = spanShape(tracing.tree());
  void [config, value, model, shape, getTelemetryConfig(), session, new ScriptedBackend()];
  return tracing.tree();
}
