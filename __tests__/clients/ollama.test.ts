/**
 * The real `ollama` client (0.6.x) in a decorated backend, against a loopback server speaking Ollama's native
 * `/api/chat` wire format (JSON, and NDJSON with the final `done: true` line carrying the counts).
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { traceBackend } from 'mellea-telemetry';
import { Ollama } from 'ollama';
import { genAiAttributes, useTestTracing } from '../backends/fixtures';
import { sendJson, useWireServer } from '../backends/wire-server';
import { consumerNow, endedAfter, errorWhileReading, type StreamPlan, serveNdjson, sleep, within } from './wire';

const tracing = useTestTracing();
const server = useWireServer();

const line = (content: string) => ({
  model: 'granite4.1:3b',
  created_at: '2025-06-01T10:00:00.000Z',
  message: { role: 'assistant', content },
  done: false,
});
const doneLine = {
  model: 'granite4.1:3b',
  created_at: '2025-06-01T10:00:00.400Z',
  message: { role: 'assistant', content: '' },
  done: true,
  done_reason: 'stop',
  total_duration: 412_000_000,
  load_duration: 2_000_000,
  prompt_eval_count: 26,
  prompt_eval_duration: 90_000_000,
  eval_count: 7,
  eval_duration: 300_000_000,
};
const lines = [line('The'), line(' sky'), line(' is blue.'), doneLine];

const expected = {
  'gen_ai.system': 'ollama',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'granite4.1:3b',
  'gen_ai.response.model': 'granite4.1:3b',
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 26,
  'gen_ai.usage.output_tokens': 7,
  'gen_ai.usage.total_tokens': 33,
};

class OllamaModelBackend {
  readonly modelId = 'granite4.1:3b';
  readonly client: Ollama;

  constructor(host: string) {
    this.client = new Ollama({ host });
  }

  @traceBackend('chat')
  async generateFromContext(prompt: string) {
    return this.client.chat({ model: this.modelId, messages: [{ role: 'user', content: prompt }], stream: true });
  }

  @traceBackend('chat')
  async complete(prompt: string) {
    return this.client.chat({ model: this.modelId, messages: [{ role: 'user', content: prompt }] });
  }
}

function serve(plan: StreamPlan = {}, list: readonly unknown[] = lines): void {
  server.handle((_request, res) => serveNdjson(res, list, plan));
}

describe('ollama', () => {
  it('non-streaming: prompt_eval_count, eval_count, done_reason and model from the native response', async () => {
    server.handle((_request, res) =>
      sendJson(res, 200, { ...doneLine, message: { role: 'assistant', content: 'Blue.' } }),
    );
    const response = await new OllamaModelBackend(server.url).complete('why?');
    expect(response.message.content).toBe('Blue.');
    expect(genAiAttributes(tracing.span('chat'))).toEqual(expected);
  });

  it('streaming: the AbortableAsyncIterator comes back as is; the span ends after the done line', async () => {
    serve();
    const calledAt = consumerNow();
    const stream = await new OllamaModelBackend(server.url).generateFromContext('why?');
    expect(stream.constructor.name).toBe('AbortableAsyncIterator');
    expect(typeof stream.abort).toBe('function');
    const text: string[] = [];
    let lastChunkAt = 0;
    for await (const part of stream) {
      text.push(part.message.content);
      lastChunkAt = consumerNow();
      // The consumer's own work on each chunk: the span covers it.
      await sleep(5);
    }
    expect(text.join('')).toBe('The sky is blue.');
    const span = tracing.span('chat');
    expect(endedAfter(span, calledAt, lastChunkAt)).toBe(true);
    expect(genAiAttributes(span)).toEqual(expected);
  });

  it('break: ends once, not ERROR; the SDK’s abort() afterwards releases the HTTP stream', async () => {
    serve({ after: 'hold' }, lines.slice(0, 2));
    const stream = await new OllamaModelBackend(server.url).generateFromContext('why?');
    for await (const part of stream) {
      expect(part.message.content).toBe('The');
      break;
    }
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.model']).toBe('granite4.1:3b');
    // ollama 0.6.4's own generator returns without cancelling the response body on break (its parseJSON has
    // no finally); the SDK's answer is abort(), which still works on the traced object.
    stream.abort();
    expect(await within(server.requests[0]!.closed, 3000)).toBe(true);
    expect(tracing.spans).toHaveLength(1);
  });

  it('abort() mid-way (the SDK’s own method) ends the span with the abort error the consumer sees', async () => {
    serve({ after: 'hold' }, lines.slice(0, 2));
    const stream = await new OllamaModelBackend(server.url).generateFromContext('why?');
    const caught = await errorWhileReading(stream, () => stream.abort());
    expect((caught as Error).name).toBe('AbortError');
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe((caught as Error).constructor.name);
  });

  it('an in-band {"error"} line mid-stream: ERROR, and the consumer gets the SDK’s error', async () => {
    serve({}, [line('The'), { error: 'model runner crashed' }]);
    const stream = await new OllamaModelBackend(server.url).generateFromContext('why?');
    const caught = await errorWhileReading(stream);
    expect((caught as Error).message).toBe('model runner crashed');
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toContain('model runner crashed');
    expect(span.attributes['error.type']).toBe('Error');
  });

  it('a connection reset mid-stream: ERROR, and the consumer gets the error', async () => {
    serve({ after: 'reset' }, lines.slice(0, 2));
    const stream = await new OllamaModelBackend(server.url).generateFromContext('why?');
    const caught = await errorWhileReading(stream);
    expect(caught).toBeDefined();
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe((caught as Error).constructor.name);
  });
});
