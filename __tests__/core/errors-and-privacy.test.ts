/**
 * How a failed call is recorded (content on): the exception once, on the span where it happened; ancestors with
 * ERROR, `error.type` and a pointer; messages bounded and without URL credentials. Content off: errors-content-off.
 */
import { stripUrlSecrets, traceApplication, traceBackend } from 'mellea-telemetry';
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

const exceptionEvents = (events: readonly { name: string; attributes?: Record<string, unknown> }[]) =>
  events.filter((event) => event.name === 'exception');

describe('content on', () => {
  const tracing = createTestTracing();
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());

  it('the exception event only on the innermost span; ancestors point at it', async () => {
    await expect(new Session().run('model said no')).rejects.toThrow('model said no');
    const chat = tracing.span('chat');
    expect(chat.status.message).toBe('model said no');
    expect(exceptionEvents(chat.events)).toHaveLength(1);
    expect(exceptionEvents(chat.events)[0]!.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'model said no',
    });
    for (const name of ['aact', 'session_context']) {
      const span = tracing.span(name);
      expect(span.status).toEqual({ code: 2, message: `Error raised in span ${chat.spanContext().spanId}` });
      expect(span.attributes['error.type']).toBe('Error');
      expect(exceptionEvents(span.events)).toEqual([]);
    }
  });

  it('status messages are bounded to 500 code points and lose URL credentials', async () => {
    await expect(new Session().act(`😀${'x'.repeat(1000)}`)).rejects.toThrow();
    expect([...tracing.span('chat').status.message!]).toHaveLength(500);
    tracing.reset();
    await expect(new Session().act('could not reach http://me:hunter2@host:8080/v1?key=abc#f')).rejects.toThrow(
      'hunter2',
    );
    expect(tracing.span('chat').status.message).toBe('could not reach http://host:8080/v1');
    expect(JSON.stringify(tracing.span('chat').events)).not.toContain('hunter2');
  });
});

describe('stripUrlSecrets', () => {
  it.each([
    ['http://u:p@h/a?k=1 and https://x@y:9/b#c', 'http://h/a and https://y:9/b'],
    ['no url here', 'no url here'],
    ['grpc://collector:4317', 'grpc://collector:4317'],
    ['"http://a:b@c/d?e"', '"http://c/d"'],
  ])('%s', (input, output) => expect(stripUrlSecrets(input)).toBe(output));
});
