import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BackendConnectionError,
  BackendHttpError,
  BackendResponseError,
  BackendTimeoutError,
} from '../../runtime/backends/errors';
import { OllamaModelBackend } from '../../runtime/backends/ollama';
import { drain, failure, genAiAttributes, History, UserMessage, useTestTracing } from './fixtures';
import { closedPort, sendJson, sendNdjson, traceparentOf, useWireServer } from './wire-server';

// Bodies shaped as Ollama's API reference documents /api/chat and /api/generate (non-streamed and NDJSON).
const chatAnswer = {
  model: 'granite4.1:3b',
  created_at: '2026-11-28T03:10:43.416799Z',
  message: { role: 'assistant', content: 'Hello! How are you today?' },
  done_reason: 'stop',
  done: true,
  total_duration: 5191566416,
  load_duration: 2154458,
  prompt_eval_count: 26,
  prompt_eval_duration: 383809000,
  eval_count: 298,
  eval_duration: 4799921000,
};

const streamLines = [
  {
    model: 'granite4.1:3b',
    created_at: '2026-11-28T03:10:43.1Z',
    message: { role: 'assistant', content: 'The' },
    done: false,
  },
  {
    model: 'granite4.1:3b',
    created_at: '2026-11-28T03:10:43.2Z',
    message: { role: 'assistant', content: ' sky' },
    done: false,
  },
  {
    model: 'granite4.1:3b',
    created_at: '2026-11-28T03:10:43.3Z',
    message: { role: 'assistant', content: '' },
    done_reason: 'length',
    done: true,
    total_duration: 4883583458,
    load_duration: 1334875,
    prompt_eval_count: 26,
    prompt_eval_duration: 342546000,
    eval_count: 2,
    eval_duration: 4535599000,
  },
];

function generateAnswer(response: string, promptTokens: number, evalTokens: number) {
  return {
    model: 'granite4.1:3b',
    created_at: '2026-11-28T03:10:44.2Z',
    response,
    done: true,
    done_reason: 'stop',
    context: [1, 2, 3],
    total_duration: 10706818083,
    load_duration: 6338219291,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: 130079000,
    eval_count: evalTokens,
    eval_duration: 4232710000,
  };
}

const tracing = useTestTracing();
const server = useWireServer();

const backend = (options: Partial<ConstructorParameters<typeof OllamaModelBackend>[0]> = {}) =>
  new OllamaModelBackend({ modelId: 'granite4.1:3b', baseURL: server.url, timeoutMs: 2000, ...options });

describe('OllamaModelBackend.generateFromContext', () => {
  it('POSTs /api/chat (stream: false) and records every gen_ai attribute on a chat span', async () => {
    server.handle((_, res) => sendJson(res, 200, chatAnswer));
    const ctx = new History([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
    ]);

    const out = await backend({ modelOptions: { num_ctx: 4096 }, keepAlive: '10m' }).generateFromContext(
      new UserMessage('How are you?'),
      ctx,
      {
        maxTokens: 300,
        temperature: 0,
      },
    );

    expect(out).toEqual({
      value: 'Hello! How are you today?',
      usage: { inputTokens: 26, outputTokens: 298, totalTokens: 324 },
      model: 'granite4.1:3b',
      finishReasons: ['stop'],
    });
    const span = tracing.span('chat');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(genAiAttributes(span)).toEqual({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 26,
      'gen_ai.usage.output_tokens': 298,
      'gen_ai.usage.total_tokens': 324,
      'gen_ai.response.model': 'granite4.1:3b',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(span.attributes).toMatchObject({
      'mellea.backend': 'OllamaModelBackend',
      'mellea.action_type': 'UserMessage',
      'mellea.context_size': 2,
      'mellea.has_format': false,
      'mellea.tool_calls_enabled': false,
    });
    const [request] = server.requests;
    expect(request!.path).toBe('/api/chat');
    expect(request!.headers['traceparent']).toBe(traceparentOf(span));
    expect(request!.headers['authorization']).toBeUndefined();
    expect(request!.body).toEqual({
      model: 'granite4.1:3b',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'How are you?' },
      ],
      stream: false,
      options: { num_ctx: 4096, num_predict: 300, temperature: 0 },
      keep_alive: '10m',
    });
  });

  it('sends a JSON schema as format and tools as tools; a cached prompt (no prompt_eval_count) counts 0 input tokens', async () => {
    const toolCall = { function: { name: 'get_weather', arguments: { city: 'Paris' } } };
    const { prompt_eval_count: _omitted, ...cached } = chatAnswer;
    server.handle((_, res) =>
      sendJson(res, 200, {
        ...cached,
        message: { role: 'assistant', content: '', tool_calls: [toolCall] },
        eval_count: 12,
      }),
    );
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: schema } }];

    const out = await backend().generateFromContext(new UserMessage('Weather?'), new History(), {
      format: schema,
      tools,
    });

    expect(out.toolCalls).toEqual([toolCall]);
    expect(out.usage).toEqual({ inputTokens: 0, outputTokens: 12, totalTokens: 12 });
    expect(server.requests[0]!.body).toMatchObject({ format: schema, tools, stream: false });
    expect(tracing.span('chat').attributes).toMatchObject({
      'mellea.has_format': true,
      'mellea.tool_calls_enabled': true,
      'gen_ai.usage.input_tokens': 0,
    });
  });
});

describe('OllamaModelBackend.streamFromContext', () => {
  it('reads NDJSON until done: true; usage and done_reason from the final line', async () => {
    server.handle((_, res) => sendNdjson(res, streamLines));

    const chunks = [];
    for await (const piece of backend().streamFromContext(new UserMessage('Why is the sky blue?'), new History()))
      chunks.push(piece);

    expect(chunks.map((piece) => piece.delta).join('')).toBe('The sky');
    expect(chunks[0]!.model).toBe('granite4.1:3b');
    expect(chunks[2]).toMatchObject({
      usage: { inputTokens: 26, outputTokens: 2, totalTokens: 28 },
      finishReasons: ['length'],
    });
    const span = tracing.span('chat');
    expect(genAiAttributes(span)).toEqual({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 26,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.total_tokens': 28,
      'gen_ai.response.model': 'granite4.1:3b',
      'gen_ai.response.finish_reasons': ['length'],
    });
    expect(server.requests[0]!.body).toMatchObject({ model: 'granite4.1:3b', stream: true });
    expect(server.requests[0]!.headers['traceparent']).toBe(traceparentOf(span));
  });

  it('a line split across writes and a trailing line without newline are read', async () => {
    server.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const text = streamLines.map((line) => JSON.stringify(line)).join('\n');
      res.write(text.slice(0, 50));
      setTimeout(() => res.end(text.slice(50)), 20);
    });
    expect(await drain(backend().streamFromContext(new UserMessage('x'), new History()))).toEqual(['The', ' sky', '']);
    expect(tracing.span('chat').attributes['gen_ai.usage.output_tokens']).toBe(2);
  });

  it('a stream that ends without done: true is a BackendResponseError', async () => {
    server.handle((_, res) => sendNdjson(res, streamLines.slice(0, 2)));
    const error = await failure(drain(backend().streamFromContext(new UserMessage('x'), new History())));
    expect(error).toBeInstanceOf(BackendResponseError);
    expect(error.message).toBe(`${server.url}/api/chat ended the stream without a "done": true line`);
    expect(tracing.span('chat').attributes['error.type']).toBe('BackendResponseError');
  });

  it('a malformed NDJSON line is a BackendResponseError', async () => {
    server.handle((_, res) => sendNdjson(res, [streamLines[0], '{"model": "granite4.1:3b", "message": {']));
    const error = await failure(drain(backend().streamFromContext(new UserMessage('x'), new History())));
    expect(error).toBeInstanceOf(BackendResponseError);
    expect(error.message).toMatch(/sent a malformed NDJSON line/);
    expect(tracing.span('chat').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('an in-band {"error"} line (Ollama reports mid-stream failures so) is a BackendResponseError', async () => {
    server.handle((_, res) =>
      sendNdjson(res, [streamLines[0], { error: 'an error was encountered while running the model: out of memory' }]),
    );
    const error = await failure(drain(backend().streamFromContext(new UserMessage('x'), new History())));
    expect(error.message).toBe(
      `${server.url}/api/chat reported an error: an error was encountered while running the model: out of memory`,
    );
  });

  it('stopping early ends the span and closes the connection', async () => {
    server.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(`${JSON.stringify(streamLines[0])}\n`);
    });
    for await (const _ of backend().streamFromContext(new UserMessage('x'), new History())) break;
    await server.requests[0]!.closed;
    expect(tracing.span('chat').attributes['gen_ai.response.model']).toBe('granite4.1:3b');
  });
});

describe('OllamaModelBackend.generateFromRaw', () => {
  it('POSTs /api/generate with raw: true per action; text_completion span sums usage', async () => {
    server.handle((request, res) =>
      sendJson(
        res,
        200,
        request.body.prompt === 'Why is the sky blue?'
          ? generateAnswer('Rayleigh scattering.', 10, 4)
          : generateAnswer('Green.', 8, 2),
      ),
    );

    const outs = await backend().generateFromRaw(
      [new UserMessage('Why is the sky blue?'), new UserMessage('Grass colour?')],
      { format: { type: 'string' } },
    );

    expect(outs).toEqual([
      {
        value: 'Rayleigh scattering.',
        usage: { inputTokens: 10, outputTokens: 4, totalTokens: 14 },
        model: 'granite4.1:3b',
        finishReasons: ['stop'],
      },
      {
        value: 'Green.',
        usage: { inputTokens: 8, outputTokens: 2, totalTokens: 10 },
        model: 'granite4.1:3b',
        finishReasons: ['stop'],
      },
    ]);
    const span = tracing.span('text_completion');
    expect(genAiAttributes(span)).toEqual({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.usage.input_tokens': 18,
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.usage.total_tokens': 24,
      'gen_ai.response.model': 'granite4.1:3b',
      'gen_ai.response.finish_reasons': ['stop', 'stop'],
    });
    expect(span.attributes).toMatchObject({ 'mellea.num_actions': 2, 'mellea.has_format': true });
    expect(server.requests.map((request) => request.body).sort((a, b) => a.prompt.localeCompare(b.prompt))).toEqual([
      { model: 'granite4.1:3b', prompt: 'Grass colour?', raw: true, stream: false, format: { type: 'string' } },
      { model: 'granite4.1:3b', prompt: 'Why is the sky blue?', raw: true, stream: false, format: { type: 'string' } },
    ]);
    for (const request of server.requests) {
      expect(request.path).toBe('/api/generate');
      expect(request.headers['traceparent']).toBe(traceparentOf(span));
    }
  });
});

describe('OllamaModelBackend errors', () => {
  const call = (b = backend()) => b.generateFromContext(new UserMessage('x'), new History());

  it('404 model not found: BackendHttpError with Ollama\'s {"error": "..."} message', async () => {
    server.handle((_, res) => sendJson(res, 404, { error: 'model "granite4.1:3b" not found, try pulling it first' }));
    const error = await failure(call());
    expect(error).toBeInstanceOf(BackendHttpError);
    expect(error.message).toBe(
      `${server.url}/api/chat answered HTTP 404: model "granite4.1:3b" not found, try pulling it first`,
    );
    const span = tracing.span('chat');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(span.attributes['error.type']).toBe('BackendHttpError');
  });

  it('401, 429 (retry-after as an HTTP date) and 500 are BackendHttpErrors', async () => {
    server.handle((_, res) => sendJson(res, 401, { error: 'unauthorized' }));
    expect(await failure(call())).toMatchObject({ status: 401, serverMessage: 'unauthorized' });
    const later = new Date(Date.now() + 30_000).toUTCString();
    server.handle((_, res) => sendJson(res, 429, { error: 'too many requests' }, { 'retry-after': later }));
    const limited = await failure(call());
    expect(limited.status).toBe(429);
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(30);
    server.handle((_, res) => sendJson(res, 500, { error: 'llama runner process has terminated: exit status 2' }));
    expect(await failure(call())).toMatchObject({
      status: 500,
      serverMessage: 'llama runner process has terminated: exit status 2',
    });
    expect(tracing.spansNamed('chat').map((span) => span.attributes['error.type'])).toEqual([
      'BackendHttpError',
      'BackendHttpError',
      'BackendHttpError',
    ]);
  });

  it('connection refused: BackendConnectionError', async () => {
    const url = await closedPort();
    const error = await failure(call(new OllamaModelBackend({ modelId: 'm', baseURL: url })));
    expect(error).toBeInstanceOf(BackendConnectionError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(tracing.span('chat').attributes['error.type']).toBe('BackendConnectionError');
  });

  it('a server that never answers: BackendTimeoutError', async () => {
    server.handle(() => undefined);
    const error = await failure(call(backend({ timeoutMs: 100 })));
    expect(error).toBeInstanceOf(BackendTimeoutError);
    expect(error.timeoutMs).toBe(100);
    expect(tracing.span('chat').attributes['error.type']).toBe('BackendTimeoutError');
  });

  it('a malformed JSON body or a body without message: BackendResponseError', async () => {
    server.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"model": "granite4.1:3b", "message": ');
    });
    expect(await failure(call())).toBeInstanceOf(BackendResponseError);
    server.handle((_, res) => sendJson(res, 200, ['not', 'an', 'object']));
    expect((await failure(call())).message).toBe(
      `${server.url}/api/chat sent an array where an Ollama answer was expected`,
    );
    server.handle((_, res) => sendJson(res, 200, { model: 'granite4.1:3b', done: true }));
    expect((await failure(call())).message).toBe(`${server.url}/api/chat sent an answer without a message`);
  });
});
