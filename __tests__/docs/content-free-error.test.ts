import { CONTENT_FREE_MESSAGE, traceApplication } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';

class QuotaError extends Error {
  get [CONTENT_FREE_MESSAGE]() {
    return `quota exceeded (HTTP ${this.status})`;
  }
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

class Agent {
  @traceApplication('aact')
  async act(prompt: string): Promise<string> {
    throw new QuotaError(`quota exceeded while answering "${prompt}"`, 429);
  }
}

describe('MELLEA_TRACE_CONTENT=false and a content-free error description', () => {
  const tracing = createTestTracing({ content: false });
  afterAll(() => tracing.shutdown());

  it('the span records the description, the caller still gets the full message', async () => {
    await expect(new Agent().act('my secret plan')).rejects.toThrow('quota exceeded while answering "my secret plan"');
    const span = tracing.span('aact');
    expect(span.status.message).toBe('quota exceeded (HTTP 429)');
    expect(span.attributes['error.type']).toBe('QuotaError');
    expect(JSON.stringify(span.events)).not.toContain('my secret plan');
  });
});
