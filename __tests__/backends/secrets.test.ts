// API keys and auth headers never reach a span attribute, an event, an error message or a log line — even when
// the server echoes them back in its error bodies, malformed answers and in-band stream errors.
import { inspect } from 'node:util';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { OllamaModelBackend } from '../../runtime/backends/ollama';
import { OpenAIBackend } from '../../runtime/backends/openai';
import { drain, History, UserMessage, useTestTracing } from './fixtures';
import { closedPort, sendJson, sendNdjson, sendSse, useWireServer } from './wire-server';

const API_KEY = 'sk-mellea-SECRET-4f1c2e9a7b';
const HEADER_KEY = 'hdr-SECRET-0d9e8c71';
const MARK = 'SECRET';

const tracing = useTestTracing();
const server = useWireServer();
const logged: string[] = [];
const errors: unknown[] = [];
const onWarning = (warning: Error) => logged.push(`${warning.name} ${warning.message} ${warning.stack ?? ''}`);
const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;

beforeAll(() => {
  process.on('warning', onWarning);
  for (const method of consoleMethods) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void logged.push(args.map((arg) => inspect(arg)).join(' ')));
  }
  const record = (...args: unknown[]) => void logged.push(args.map((arg) => inspect(arg)).join(' '));
  diag.setLogger({ error: record, warn: record, info: record, debug: record, verbose: record }, DiagLogLevel.ALL);
});
afterAll(() => {
  process.off('warning', onWarning);
  jest.restoreAllMocks();
  diag.disable();
});

/** Echoes the credentials it received, the way a careless proxy or a debugging server might. */
function echo(headers: Record<string, unknown>): string {
  return `got authorization=${String(headers['authorization'])} x-api-key=${String(headers['x-api-key'])}`;
}

const openai = (baseURL = `${server.url}/v1`, timeoutMs = 2000) =>
  new OpenAIBackend({
    modelId: 'gpt-4o-mini',
    baseURL,
    apiKey: API_KEY,
    headers: { 'x-api-key': HEADER_KEY },
    timeoutMs,
  });
const ollama = (baseURL = server.url, timeoutMs = 2000) =>
  new OllamaModelBackend({
    modelId: 'granite4.1:3b',
    baseURL,
    apiKey: API_KEY,
    headers: { 'x-api-key': HEADER_KEY },
    timeoutMs,
  });

async function attempt(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    errors.push(error);
  }
}

it('never exports, throws or logs the API key or a secret header', async () => {
  const msg = () => new UserMessage('hello');
  const ctx = () => new History([{ role: 'user', content: 'earlier' }]);

  // Successful calls on every path.
  server.handle((req, res) => {
    if (req.path === '/v1/chat/completions' && req.body.stream) {
      return sendSse(res, [
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }],
        },
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        },
      ]);
    }
    if (req.path === '/v1/chat/completions') {
      return sendJson(res, 200, {
        id: 'c2',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    if (req.path === '/v1/completions') {
      return sendJson(res, 200, {
        id: 'c3',
        object: 'text_completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ text: 'hi', index: 0, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    if (req.path === '/api/chat' && req.body.stream) {
      return sendNdjson(res, [
        {
          model: 'granite4.1:3b',
          created_at: 'x',
          message: { role: 'assistant', content: 'hi' },
          done: true,
          done_reason: 'stop',
          prompt_eval_count: 1,
          eval_count: 1,
        },
      ]);
    }
    if (req.path === '/api/chat') {
      return sendJson(res, 200, {
        model: 'granite4.1:3b',
        created_at: 'x',
        message: { role: 'assistant', content: 'hi' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 1,
        eval_count: 1,
      });
    }
    return sendJson(res, 200, {
      model: 'granite4.1:3b',
      created_at: 'x',
      response: 'hi',
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 1,
      eval_count: 1,
    });
  });
  for (const backend of [openai(), ollama()]) {
    await attempt(() => backend.generateFromContext(msg(), ctx()));
    await attempt(() => drain(backend.streamFromContext(msg(), ctx())));
    await attempt(() => backend.generateFromRaw([msg(), msg()]));
  }
  expect(errors).toEqual([]);
  expect(server.requests.length).toBe(8);
  for (const request of server.requests) {
    expect(request.headers['authorization']).toBe(`Bearer ${API_KEY}`); // the key is really sent...
    expect(request.headers['x-api-key']).toBe(HEADER_KEY);
  }

  // ...and echoed back in every kind of failure.
  server.handle((req, res) =>
    sendJson(res, 401, {
      error: { message: `Incorrect API key: ${echo(req.headers)}`, type: 'invalid_request_error' },
    }),
  );
  await attempt(() => openai().generateFromContext(msg(), ctx()));
  server.handle((req, res) => sendJson(res, 429, { error: echo(req.headers) }, { 'retry-after': '1' }));
  await attempt(() => ollama().generateFromContext(msg(), ctx()));
  server.handle((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`upstream failed; ${echo(req.headers)}`);
  });
  await attempt(() => openai().generateFromRaw([msg()]));
  server.handle((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"broken": "${echo(req.headers)}`);
  });
  await attempt(() => openai().generateFromContext(msg(), ctx()));
  await attempt(() => ollama().generateFromContext(msg(), ctx()));
  server.handle((req, res) => sendSse(res, [{ error: { message: echo(req.headers) } }]));
  await attempt(() => drain(openai().streamFromContext(msg(), ctx())));
  server.handle((req, res) => sendNdjson(res, [{ error: echo(req.headers) }]));
  await attempt(() => drain(ollama().streamFromContext(msg(), ctx())));
  server.handle((req, res) => sendSse(res, [`{"choices": [ ${echo(req.headers)}`]));
  await attempt(() => drain(openai().streamFromContext(msg(), ctx())));
  server.handle(() => undefined);
  await attempt(() => openai(`${server.url}/v1`, 50).generateFromContext(msg(), ctx()));
  const closed = await closedPort();
  await attempt(() => ollama(closed).generateFromContext(msg(), ctx()));
  expect(errors.map((error) => (error as Error).name)).toEqual([
    'BackendHttpError',
    'BackendHttpError',
    'BackendHttpError',
    'BackendResponseError',
    'BackendResponseError',
    'BackendResponseError',
    'BackendResponseError',
    'BackendResponseError',
    'BackendTimeoutError',
    'BackendConnectionError',
  ]);
  // The server's message survives with the credentials cut out.
  expect((errors[0] as Error).message).toContain('got authorization=[REDACTED] x-api-key=[REDACTED]');

  const spans = tracing.spans;
  expect(spans).toHaveLength(16);
  const exported = spans.map((span) =>
    JSON.stringify({
      name: span.name,
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
      status: span.status,
      links: span.links,
      resource: span.resource.attributes,
    }),
  );
  expect(exported.filter((text) => text.includes('"exception"'))).toHaveLength(10);
  const thrown = errors.map(
    (error) => `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`,
  );
  const backends = [openai(), ollama()].map(
    (backend) => `${inspect(backend, { depth: 5, showHidden: true })} ${JSON.stringify(backend)}`,
  );

  for (const text of [...exported, ...thrown, ...logged, ...backends]) expect(text).not.toContain(MARK);
});
