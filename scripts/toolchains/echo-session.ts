// The decorated classes every toolchain fixture traces: `aact` around one `chat` with token usage.
import { traceApplication, traceBackend } from 'mellea-telemetry';

export class EchoBackend {
  modelId = 'echo-1';

  @traceBackend('chat')
  async generate(prompt: string): Promise<{ value: string; usage: { inputTokens: number; outputTokens: number } }> {
    await new Promise((resolve) => setTimeout(resolve, 1)); // the context must survive a timer
    return { value: `echo: ${prompt}`, usage: { inputTokens: 3, outputTokens: 4 } };
  }
}

export class EchoSession {
  backend = new EchoBackend();

  @traceApplication('aact')
  async act(prompt: string): Promise<string> {
    return (await this.backend.generate(prompt)).value;
  }
}
