import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shutdownTelemetry, traceApplication, traceBackend } from 'mellea-telemetry';

// Your decorated classes; here a stand-in backend that answers without a model.
class EchoBackend {
  modelId = 'granite4.1:3b';

  @traceBackend('chat')
  async generateFromContext(prompt: string, _ctx: { size: number }) {
    return { value: `answer to ${prompt}`, usage: { inputTokens: 150, outputTokens: 42 } };
  }
}

class Session {
  readonly ctx = { size: 0 };
  readonly backend = new EchoBackend();

  @traceApplication('session_context')
  async run<T>(body: (session: this) => Promise<T>): Promise<T> {
    return body(this);
  }

  @traceApplication('aact')
  async act(prompt: string): Promise<{ value: string; success: boolean }> {
    const { value } = await this.backend.generateFromContext(prompt, this.ctx);
    return { value, success: await this.validate(value) };
  }

  @traceApplication('requirement_validation')
  async validate(output: string): Promise<boolean> {
    return output.length > 0;
  }
}

const server = createServer(async (request, response) => {
  const result = await new Session().run((session) => session.act(request.url ?? '/'));
  response.end(result.value);
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${(server.address() as AddressInfo).port}`));

// Your own SIGTERM handler replaces mellea-telemetry's default one: close, flush, then exit as you decide.
process.on('SIGTERM', () => {
  server.close(async () => {
    await shutdownTelemetry(); // never rejects; waits at most MELLEA_TRACE_FLUSH_TIMEOUT
    process.exit(0);
  });
});
