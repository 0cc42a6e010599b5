import { forceFlushTelemetry, traceApplication, traceBackend } from 'mellea-telemetry';

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

/** A serverless handler: the platform may freeze the process as soon as it returns, so flush before returning. */
export async function handler(event: { prompt: string }): Promise<{ answer: string }> {
  try {
    const result = await new Session().run((session) => session.act(event.prompt));
    return { answer: result.value };
  } finally {
    await forceFlushTelemetry(); // never rejects; waits at most MELLEA_TRACE_FLUSH_TIMEOUT (5000 ms by default)
  }
}
