/** How a failed call is recorded with MELLEA_TRACE_CONTENT=false: no message text, the error's type kept. */
import { CONTENT_FREE_MESSAGE, traceApplication, traceBackend } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';

class Backend {
  modelId = 'm';
  @traceBackend('chat')
  async generateFromContext(message: string): Promise<never> {
    throw new Error(message);
  }
}

class Session {
  backend = new Backend();
  @traceApplication('session_context')
  async run(message: string): Promise<never> {
    return this.act(message);
  }
  @traceApplication('aact')
  async act(message: string): Promise<never> {
    return this.backend.generateFromContext(message);
  }
}

class Refused extends Error {
  get [CONTENT_FREE_MESSAGE](): string {
    return 'refused (HTTP 400)';
  }
}

class RefusingBackend {
  modelId = 'm';
  @traceBackend('chat')
  async generateFromContext(): Promise<never> {
    throw new Refused('echo: CANARY');
  }
}

const exceptionEvents = (events: readonly { name: string; attributes?: Record<string, unknown> }[]) =>
  events.filter((event) => event.name === 'exception');

describe('content off', () => {
  const tracing = createTestTracing({ content: false });
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());

  it('no message text: the class name and a fixed description, the stack without its message line', async () => {
    await expect(new Session().act('the prompt was: CANARY')).rejects.toThrow('CANARY');
    const chat = tracing.span('chat');
    expect(chat.status.message).toBe('Error (message not recorded: MELLEA_TRACE_CONTENT=false)');
    expect(JSON.stringify([chat.events, chat.status, chat.attributes])).not.toContain('CANARY');
    const stack = String(exceptionEvents(chat.events)[0]!.attributes!['exception.stacktrace']);
    expect(stack.split('\n')[0]).toBe('Error: Error (message not recorded: MELLEA_TRACE_CONTENT=false)');
    expect(stack).toMatch(/\n\s+at /);
  });

  it('an error that offers a content-free description has it recorded', async () => {
    await expect(new RefusingBackend().generateFromContext()).rejects.toThrow('echo: CANARY');
    expect(tracing.span('chat').status.message).toBe('refused (HTTP 400)');
  });
});
