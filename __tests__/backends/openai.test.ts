import { getEventListeners } from 'node:events';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BackendConnectionError,
  BackendHttpError,
  BackendResponseError,
  BackendStreamLimitError,
  BackendTimeoutError,
} from '../../runtime/backends/errors';
import { OpenAIBackend } from '../../runtime/backends/openai';
import { drain, failure, genAiAttributes, History, UserMessage, useTestTracing } from './fixtures';
import { closedPort, sendJson, sendSse, traceparentOf, useWireServer } from './wire-server';

// Bodies shaped as the OpenAI API reference documents them (Chat Completions object, chunk object, Completions).
const chatCompletion = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  object: 'chat.completion',
  created: 1741569952,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello! How can I assist you today?', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 19,
    completion_tokens: 10,
    total_tokens: 29,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_06737a9306',
};

function chunk(choices: unknown[], usage: unknown = null) {
  return {
    id: 'chatcmpl-stream-7',
    object: 'chat.completion.chunk',
    created: 1741569953,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_06737a9306',
    choices,
    usage,
  };
}

const streamEvents = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { content: ' there!' }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  chunk([], { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }),
];

function textCompletion(id: string, text: string, finish: string, prompt: number, completion: number) {
  return {
    id,
    object: 'text_completion',
    created: 1589478378,
    model: 'gpt-3.5-turbo-instruct',
    system_fingerprint: 'fp_44709d6fcb',
    choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

const tracing = useTestTracing();
const server = useWireServer();

const backend = (options: Partial<ConstructorParameters<typeof OpenAIBackend>[0]> = {}) =>
  new OpenAIBackend({
    modelId: 'gpt-4o-mini',
    baseURL: `${server.url}/v1`,
    apiKey: 'sk-test-key',
    timeoutMs: 2000,
    ...options,
  });

const history = () =>
  new History([
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello.' },
  ]);

describe('OpenAIBackend.generateFromContext', () => {
  it('POSTs a chat completion and records every gen_ai attribute on a chat span', async () => {
    server.handle((_, res) => sendJson(res, 200, chatCompletion));

    const out = await backend().generateFromContext(new UserMessage('Say hello'), history(), {
      maxTokens: 64,
      temperature: 0.2,
    });

    expect(out).toEqual({
      value: 'Hello! How can I assist you today?',
      usage: { inputTokens: 19, outputTokens: 10, totalTokens: 29 },
      model: 'gpt-4o-mini-2024-07-18',
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      finishReasons: ['stop'],
    });
    const span = tracing.span('chat');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.instrumentationScope.name).toBe('mellea.backend');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(genAiAttributes(span)).toEqual({
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 19,
      'gen_ai.usage.output_tokens': 10,
      'gen_ai.usage.total_tokens': 29,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(span.attributes).toMatchObject({
      'mellea.backend': 'OpenAIBackend',
      'mellea.action_type': 'UserMessage',
      'mellea.context_size': 3,
      'mellea.has_format': false,
      'mellea.tool_calls_enabled': false,
    });

    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.headers['authorization']).toBe('Bearer sk-test-key');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['traceparent']).toBe(traceparentOf(span));
    expect(request!.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Say hello' },
      ],
      max_tokens: 64,
      temperature: 0.2,
    });
  });

  it('sends a JSON schema as response_format and tools as tools, and returns tool calls', async () => {
    const toolCall = {
      id: 'call_abc123',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    };
    server.handle((_, res) =>
      sendJson(res, 200, {
        ...chatCompletion,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [toolCall] },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
      }),
    );
    const schema = {
      title: 'Weather report',
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    };
    const tools = [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];

    const out = await backend({ strictJsonSchema: true }).generateFromContext(
      new UserMessage('Weather?'),
      new History(),
      {
        format: schema,
        jsonSchema: schema,
        tools,
      },
    );

    expect(out.value).toBe('');
    expect(out.toolCalls).toEqual([toolCall]);
    expect(out.finishReasons).toEqual(['tool_calls']);
    expect(server.requests[0]!.body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'Weather_report', schema, strict: true } },
      tools,
    });
    expect(tracing.span('chat').attributes).toMatchObject({
      'mellea.has_format': true,
      'mellea.format_type': 'Weather report',
      'mellea.tool_calls_enabled': true,
      'mellea.context_size': 0,
      'gen_ai.response.finish_reasons': ['tool_calls'],
    });
  });

  it('merges extraBody and headers, the backend fields winning', async () => {
    server.handle((_, res) => sendJson(res, 200, chatCompletion));
    await backend({
      extraBody: { top_p: 0.5, model: 'ignored' },
      headers: { 'OpenAI-Organization': 'org-1' },
    }).generateFromContext(new UserMessage('x'), new History());
    expect(server.requests[0]!.body).toMatchObject({ top_p: 0.5, model: 'gpt-4o-mini' });
    expect(server.requests[0]!.headers['openai-organization']).toBe('org-1');
  });

  it('sends no Authorization header without an apiKey (local vLLM / Ollama /v1)', async () => {
    server.handle((_, res) => sendJson(res, 200, chatCompletion));
    await backend({ apiKey: undefined }).generateFromContext(new UserMessage('x'), new History());
    expect(server.requests[0]!.headers['authorization']).toBeUndefined();
  });
});

describe('OpenAIBackend.streamFromContext', () => {
  it('streams SSE with include_usage; the chat span gets id/model of the first chunk and usage of the last', async () => {
    server.handle((_, res) => sendSse(res, streamEvents));

    const chunks = [];
    for await (const piece of backend().streamFromContext(new UserMessage('Say hello'), history())) chunks.push(piece);

    expect(chunks.map((piece) => piece.delta).join('')).toBe('Hello there!');
    expect(chunks[0]).toMatchObject({ id: 'chatcmpl-stream-7', model: 'gpt-4o-mini-2024-07-18' });
    expect(chunks[3]!.finishReasons).toEqual(['stop']);
    expect(chunks[4]!.usage).toEqual({ inputTokens: 12, outputTokens: 3, totalTokens: 15 });
    const span = tracing.span('chat');
    expect(genAiAttributes(span)).toEqual({
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.total_tokens': 15,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-stream-7',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    const [request] = server.requests;
    expect(request!.headers['accept']).toBe('text/event-stream');
    expect(request!.headers['traceparent']).toBe(traceparentOf(span));
    expect(request!.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('reads events split across TCP writes, CRLF lines, comments and multi-line data', async () => {
    server.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text =
        `: keep-alive\r\n\r\ndata: ${JSON.stringify(streamEvents[1])}\r\n\r\n` +
        `data: ${JSON.stringify(streamEvents[4])}\n\ndata: [DONE]\n\n`;
      const cut = 37;
      res.write(text.slice(0, cut));
      setTimeout(() => res.end(text.slice(cut)), 20);
    });
    const chunks = [];
    for await (const piece of backend().streamFromContext(new UserMessage('x'), new History())) chunks.push(piece);
    expect(chunks.map((piece) => piece.delta)).toEqual(['Hello', '']);
    expect(tracing.span('chat').attributes['gen_ai.usage.total_tokens']).toBe(15);
  });

  it('ends the span and releases the connection when the consumer stops early', async () => {
    server.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(streamEvents[1])}\n\n`); // then never finishes
    });
    for await (const piece of backend().streamFromContext(new UserMessage('x'), new History())) {
      expect(piece.delta).toBe('Hello');
      break;
    }
    await server.requests[0]!.closed;
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-stream-7');
  });

  it('a stream without data: [DONE] is a BackendResponseError on the span', async () => {
    server.handle((_, res) => sendSse(res, streamEvents.slice(0, 2), false));
    const consume = () => drain(backend().streamFromContext(new UserMessage('x'), new History()));
    await expect(consume()).rejects.toThrow(BackendResponseError);
    await expect(consume()).rejects.toThrow(/ended the stream without "data: \[DONE\]"/);
    expect(tracing.spansNamed('chat')[0]!.attributes['error.type']).toBe('BackendResponseError');
  });

  it('a malformed SSE event is a BackendResponseError', async () => {
    server.handle((_, res) => sendSse(res, [streamEvents[0], '{"id": "chatcmpl-1", "choices": [']));
    const consume = () => drain(backend().streamFromContext(new UserMessage('x'), new History()));
    await expect(consume()).rejects.toThrow(/sent a malformed SSE event/);
    const span = tracing.span('chat');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('BackendResponseError');
  });

  it('an in-band error event is a BackendResponseError with the server message', async () => {
    server.handle((_, res) =>
      sendSse(res, [streamEvents[1], { error: { message: 'The model crashed', type: 'server_error' } }]),
    );
    const consume = () => drain(backend().streamFromContext(new UserMessage('x'), new History()));
    await expect(consume()).rejects.toThrow(/reported an error in the stream: The model crashed/);
  });

  it('HTTP errors and connection failures surface on the first chunk, with the span failed', async () => {
    server.handle((_, res) =>
      sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests' } }, { 'retry-after': '3' }),
    );
    const limited = await failure(drain(backend().streamFromContext(new UserMessage('x'), new History())));
    expect(limited).toMatchObject({ name: 'BackendHttpError', status: 429, retryAfterSeconds: 3 });
    const refused = await failure(
      drain(
        new OpenAIBackend({ modelId: 'm', baseURL: await closedPort() }).streamFromContext(
          new UserMessage('x'),
          new History(),
        ),
      ),
    );
    expect(refused).toBeInstanceOf(BackendConnectionError);
    expect(tracing.spansNamed('chat').map((span) => span.attributes['error.type'])).toEqual([
      'BackendHttpError',
      'BackendConnectionError',
    ]);
  });

  it('a stream that stalls past timeoutMs is a BackendTimeoutError', async () => {
    server.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(streamEvents[1])}\n\n`);
    });
    const deltas: string[] = [];
    const consume = async () => {
      for await (const piece of backend({ timeoutMs: 150 }).streamFromContext(new UserMessage('x'), new History()))
        deltas.push(piece.delta);
    };
    await expect(consume()).rejects.toThrow(BackendTimeoutError);
    expect(deltas).toEqual(['Hello']);
    expect(tracing.span('chat').attributes['error.type']).toBe('BackendTimeoutError');
  });
});

describe('OpenAIBackend.generateFromRaw', () => {
  it('sends one POST /completions per action and records a text_completion span with summed usage', async () => {
    server.handle((request, res) => {
      const first = request.body.prompt === 'First prompt';
      sendJson(
        res,
        200,
        first ? textCompletion('cmpl-1', ' one', 'stop', 5, 2) : textCompletion('cmpl-2', ' two two', 'length', 7, 4),
      );
    });

    const outs = await backend().generateFromRaw([new UserMessage('First prompt'), new UserMessage('Second prompt')], {
      maxTokens: 4,
    });

    expect(outs).toEqual([
      {
        value: ' one',
        usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
        model: 'gpt-3.5-turbo-instruct',
        id: 'cmpl-1',
        finishReasons: ['stop'],
      },
      {
        value: ' two two',
        usage: { inputTokens: 7, outputTokens: 4, totalTokens: 11 },
        model: 'gpt-3.5-turbo-instruct',
        id: 'cmpl-2',
        finishReasons: ['length'],
      },
    ]);
    const span = tracing.span('text_completion');
    expect(genAiAttributes(span)).toEqual({
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.usage.total_tokens': 18,
      'gen_ai.response.model': 'gpt-3.5-turbo-instruct',
      'gen_ai.response.id': 'cmpl-1',
      'gen_ai.response.finish_reasons': ['stop', 'length'],
    });
    expect(span.attributes).toMatchObject({ 'mellea.num_actions': 2, 'mellea.action_type': 'UserMessage' });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/completions', '/v1/completions']);
    expect(server.requests.map((request) => request.body).sort((a, b) => a.prompt.localeCompare(b.prompt))).toEqual([
      { model: 'gpt-4o-mini', prompt: 'First prompt', max_tokens: 4 },
      { model: 'gpt-4o-mini', prompt: 'Second prompt', max_tokens: 4 },
    ]);
    for (const request of server.requests) expect(request.headers['traceparent']).toBe(traceparentOf(span));
  });

  it("rawApi 'chat' sends each action's messages to /chat/completions", async () => {
    server.handle((_, res) => sendJson(res, 200, chatCompletion));
    const outs = await backend({ rawApi: 'chat' }).generateFromRaw([new UserMessage('a'), new UserMessage('b')]);
    expect(outs.map((out) => out.value)).toEqual([
      'Hello! How can I assist you today?',
      'Hello! How can I assist you today?',
    ]);
    expect(server.requests.map((request) => request.body.messages)).toEqual(
      expect.arrayContaining([[{ role: 'user', content: 'a' }], [{ role: 'user', content: 'b' }]]),
    );
    expect(tracing.span('text_completion').attributes['gen_ai.usage.total_tokens']).toBe(58);
  });

  it('an empty batch sends nothing', async () => {
    await expect(backend().generateFromRaw([])).resolves.toEqual([]);
    expect(server.requests).toHaveLength(0);
    expect(tracing.span('text_completion').attributes['mellea.num_actions']).toBe(0);
  });

  it('the first failure aborts the other requests and is thrown', async () => {
    server.handle((request, res) => {
      if (request.body.prompt === 'fails')
        sendJson(res, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } });
      // the other request never gets an answer
    });
    await expect(backend().generateFromRaw([new UserMessage('hangs'), new UserMessage('fails')])).rejects.toThrow(
      BackendHttpError,
    );
    await Promise.all(server.requests.map((request) => request.closed));
    expect(tracing.span('text_completion').attributes['error.type']).toBe('BackendHttpError');
  });
});

describe('OpenAIBackend errors', () => {
  const call = (b = backend()) => b.generateFromContext(new UserMessage('x'), new History());

  it('401: BackendHttpError with the server message; the chat span records it', async () => {
    server.handle((_, res) =>
      sendJson(res, 401, {
        error: {
          message: 'Incorrect API key provided: sk-test-***-key.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    );
    const error = await failure(call());
    expect(error).toBeInstanceOf(BackendHttpError);
    expect(error.status).toBe(401);
    expect(error.serverMessage).toBe('Incorrect API key provided: sk-test-***-key.');
    expect(error.message).toBe(
      `${server.url}/v1/chat/completions answered HTTP 401: Incorrect API key provided: sk-test-***-key.`,
    );
    const span = tracing.span('chat');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(span.attributes['error.type']).toBe('BackendHttpError');
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('429: retry-after is parsed', async () => {
    server.handle((_, res) =>
      sendJson(
        res,
        429,
        {
          error: {
            message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
        { 'retry-after': '20' },
      ),
    );
    const error = await failure(call());
    expect(error).toBeInstanceOf(BackendHttpError);
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(20);
    expect(error.message).toMatch(/answered HTTP 429: Rate limit reached .* \(retry after 20 s\)$/);
  });

  it('500 with a non-JSON body keeps the text as the server message', async () => {
    server.handle((_, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('upstream exploded');
    });
    const error = await failure(call());
    expect(error).toMatchObject({ name: 'BackendHttpError', status: 500, serverMessage: 'upstream exploded' });
  });

  it('connection refused on a closed port: BackendConnectionError', async () => {
    const url = await closedPort();
    const error = await failure(call(new OpenAIBackend({ modelId: 'm', baseURL: url, timeoutMs: 2000 })));
    expect(error).toBeInstanceOf(BackendConnectionError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toMatch(new RegExp(`^could not reach ${url}/chat/completions \\(ECONNREFUSED\\)`));
    expect(tracing.span('chat').attributes['error.type']).toBe('BackendConnectionError');
  });

  it('a server that never answers: BackendTimeoutError after timeoutMs', async () => {
    server.handle(() => undefined);
    const error = await failure(call(backend({ timeoutMs: 100 })));
    expect(error).toBeInstanceOf(BackendTimeoutError);
    expect(error.message).toBe(`${server.url}/v1/chat/completions did not answer within 100 ms`);
    expect(tracing.span('chat').attributes['error.type']).toBe('BackendTimeoutError');
  });

  it("the caller's AbortSignal aborts the request with the caller's reason", async () => {
    server.handle(() => undefined);
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    setTimeout(() => controller.abort(reason), 30);
    const error = await failure(
      backend().generateFromContext(new UserMessage('x'), new History(), { signal: controller.signal }),
    );
    expect(error).toBe(reason);
    await server.requests[0]!.closed;
    expect(tracing.span('chat').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('a malformed JSON body: BackendResponseError', async () => {
    server.handle((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-1", "choices": [');
    });
    const error = await failure(call());
    expect(error).toBeInstanceOf(BackendResponseError);
    expect(error.message).toMatch(/sent a malformed response body .*\{"id": "chatcmpl-1"/);
    expect(tracing.span('chat').attributes['error.type']).toBe('BackendResponseError');
  });

  it('a JSON body without choices: BackendResponseError', async () => {
    server.handle((_, res) => sendJson(res, 200, { id: 'x', object: 'chat.completion', choices: [] }));
    await expect(call()).rejects.toThrow(/sent no choices/);
  });
});

describe('OpenAIBackend resources', () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

  it('leaves no timer and no abort listener behind per call (default 5-minute timeout, long-lived caller signal)', async () => {
    server.handle((request, res) =>
      request.body.stream ? sendSse(res, streamEvents) : sendJson(res, 200, chatCompletion),
    );
    const longLived = new AbortController();
    const b = new OpenAIBackend({ modelId: 'gpt-4o-mini', baseURL: `${server.url}/v1` });
    const before = timers();
    for (let i = 0; i < 10; i++) {
      await b.generateFromContext(new UserMessage('x'), new History(), { signal: longLived.signal });
      await drain(b.streamFromContext(new UserMessage('x'), new History(), { signal: longLived.signal }));
      await b.generateFromRaw([new UserMessage('a')], { signal: longLived.signal }).catch(() => undefined);
    }
    // 30 calls: a per-call timer would show as +30. Keep-alive sockets (the test server's, undici's pool) may
    // hold a timer or two of their own, so allow a small constant.
    expect(timers() - before).toBeLessThan(5);
    expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);
  });

  it('refuses a JSON body over 32 MiB and a streamed line over 8 Mi characters without buffering on', async () => {
    const megabyte = 'a'.repeat(1024 * 1024);
    server.handle((request, res) => {
      res.writeHead(200, { 'content-type': request.body.stream ? 'text/event-stream' : 'application/json' });
      let sent = 0;
      const pump = () => {
        while (sent < 40 && res.write(megabyte)) sent++;
        if (sent < 40) res.once('drain', pump);
        else res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    const huge = await failure(backend().generateFromContext(new UserMessage('x'), new History()));
    expect(huge).toBeInstanceOf(BackendResponseError);
    expect(huge.message).toBe(`${server.url}/v1/chat/completions sent a response body over 33554432 bytes`);
    const long = await failure(drain(backend().streamFromContext(new UserMessage('x'), new History())));
    expect(long).toBeInstanceOf(BackendStreamLimitError);
    expect(long).toMatchObject({ limit: 'line', maxBytes: 8388608 });
    expect(long.message).toBe(`${server.url}/v1/chat/completions streamed a line over the limit of 8388608 characters`);
    await Promise.all(server.requests.map((request) => request.closed));
  });
});
