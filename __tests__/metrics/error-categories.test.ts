/**
 * `mellea.error.category` for the errors real clients raise: this package's runtime backends (typed errors of
 * runtime/backends/errors.ts) and the official openai and @anthropic-ai/sdk clients, each against a loopback
 * server answering with the provider's real error bodies.
 */
import Anthropic from '@anthropic-ai/sdk';
import { OPERATION_CHAT, traceBackend, traceMethods } from 'mellea-telemetry';
import { Message, OpenAIBackend, SimpleContext } from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';
import OpenAI from 'openai';
import { closedPort, sendJson, useWireServer } from '../backends/wire-server';

const tracing = createTestTracing({ metrics: true });
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

const server = useWireServer();

/** An OpenAI-style error body (`error.code` / `error.type`). */
const openaiError = (message: string, type: string, code: string | null = null) => ({
  error: { message, type, code, param: null },
});
/** An Anthropic error body. */
const anthropicError = (type: string, message: string) => ({ type: 'error', error: { type, message } });

const statusAnswers: [string, number, unknown][] = [
  ['rate_limit', 429, openaiError('Rate limit reached', 'requests', 'rate_limit_exceeded')],
  ['auth', 401, openaiError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key')],
  ['auth', 403, openaiError('Not allowed', 'invalid_request_error')],
  ['content_policy', 400, openaiError('flagged by the content filter', 'invalid_request_error', 'content_filter')],
  ['invalid_request', 400, openaiError('context too long', 'invalid_request_error', 'context_length_exceeded')],
  ['invalid_request', 404, openaiError('The model does not exist', 'invalid_request_error', 'model_not_found')],
  ['server_error', 500, openaiError('The server had an error', 'server_error')],
  ['timeout', 408, openaiError('Request timed out', 'timeout')],
];

async function categories(): Promise<unknown[]> {
  return (await tracing.metric('mellea.llm.errors')).map((point) => [
    point.attributes['mellea.error.category'],
    point.attributes['error.type'],
  ]);
}

describe('runtime backends (runtime/backends/errors.ts)', () => {
  it.each(statusAnswers)('%s from HTTP %d', async (category, status, body) => {
    server.handle((_request, response) => sendJson(response, status, body));
    const backend = new OpenAIBackend({ modelId: 'gpt-test', baseURL: `${server.url}/v1`, apiKey: 'sk-test' });
    await expect(backend.generateFromContext(new Message('user', 'hi'), new SimpleContext())).rejects.toThrow();
    expect(await categories()).toEqual([[category, 'BackendHttpError']]);
  });

  it('transport_error when nothing listens', async () => {
    const backend = new OpenAIBackend({ modelId: 'gpt-test', baseURL: `${await closedPort()}/v1` });
    await expect(backend.generateFromContext(new Message('user', 'hi'), new SimpleContext())).rejects.toThrow();
    expect(await categories()).toEqual([['transport_error', 'BackendConnectionError']]);
  });

  it('timeout when the server never answers', async () => {
    server.handle(() => undefined);
    const backend = new OpenAIBackend({ modelId: 'gpt-test', baseURL: `${server.url}/v1`, timeoutMs: 100 });
    await expect(backend.generateFromContext(new Message('user', 'hi'), new SimpleContext())).rejects.toThrow();
    expect(await categories()).toEqual([['timeout', 'BackendTimeoutError']]);
  });

  it('server_error for a malformed 2xx body', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{not json');
    });
    const backend = new OpenAIBackend({ modelId: 'gpt-test', baseURL: `${server.url}/v1` });
    await expect(backend.generateFromContext(new Message('user', 'hi'), new SimpleContext())).rejects.toThrow();
    expect(await categories()).toEqual([['server_error', 'BackendResponseError']]);
  });
});

/** The official openai client inside a traced backend method, as a user would wrap it. */
class OpenAIClientBackend {
  readonly client: OpenAI;
  constructor(
    baseURL: string,
    readonly modelId = 'gpt-test',
    timeout = 10_000,
  ) {
    this.client = new OpenAI({ baseURL, apiKey: 'sk-test', maxRetries: 0, timeout });
  }
  generate(_action: unknown, _ctx: unknown): Promise<unknown> {
    return this.client.chat.completions.create({ model: this.modelId, messages: [{ role: 'user', content: 'hi' }] });
  }
}
traceMethods(OpenAIClientBackend, { generate: traceBackend(OPERATION_CHAT) });

class AnthropicClientBackend {
  readonly client: Anthropic;
  constructor(
    baseURL: string,
    readonly modelId = 'claude-test',
  ) {
    this.client = new Anthropic({ baseURL, apiKey: 'sk-ant-test', maxRetries: 0 });
  }
  generate(_action: unknown, _ctx: unknown): Promise<unknown> {
    return this.client.messages.create({
      model: this.modelId,
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
  }
}
traceMethods(AnthropicClientBackend, { generate: traceBackend(OPERATION_CHAT) });

describe('the official openai client', () => {
  const expectedClass: Record<number, string> = {
    429: 'RateLimitError',
    401: 'AuthenticationError',
    403: 'PermissionDeniedError',
    400: 'BadRequestError',
    404: 'NotFoundError',
    500: 'InternalServerError',
    408: 'APIError',
  };
  it.each(statusAnswers)('%s from HTTP %d', async (category, status, body) => {
    server.handle((_request, response) => sendJson(response, status, body));
    await expect(new OpenAIClientBackend(`${server.url}/v1`).generate({}, [])).rejects.toThrow();
    expect(await categories()).toEqual([[category, expectedClass[status]]]);
  });

  it('APIConnectionError (nothing listens) → transport_error', async () => {
    await expect(new OpenAIClientBackend(`${await closedPort()}/v1`).generate({}, [])).rejects.toThrow();
    expect(await categories()).toEqual([['transport_error', 'APIConnectionError']]);
  });

  // Under Jest the client's own timeout surfaces as APIConnectionError (its abort check does not recognise the
  // test realm's AbortError), so the SDK's timeout classes are thrown directly here.
  it.each([
    ['openai', () => new OpenAI.APIConnectionTimeoutError()],
    ['@anthropic-ai/sdk', () => new Anthropic.APIConnectionTimeoutError()],
  ])('%s APIConnectionTimeoutError → timeout', async (_client, make) => {
    class TimingOut {
      @traceBackend(OPERATION_CHAT)
      async generate(): Promise<never> {
        throw make();
      }
    }
    await expect(new TimingOut().generate()).rejects.toThrow();
    expect(await categories()).toEqual([['timeout', 'APIConnectionTimeoutError']]);
  });
});

describe('the official @anthropic-ai/sdk client', () => {
  it.each([
    ['rate_limit', 429, 'rate_limit_error', 'RateLimitError'],
    ['auth', 401, 'authentication_error', 'AuthenticationError'],
    ['invalid_request', 400, 'invalid_request_error', 'BadRequestError'],
    ['server_error', 529, 'overloaded_error', 'APIError'],
  ] as const)('%s from HTTP %d (%s)', async (category, status, type, errorClass) => {
    server.handle((_request, response) => sendJson(response, status, anthropicError(type, 'nope')));
    await expect(new AnthropicClientBackend(server.url).generate({}, [])).rejects.toThrow();
    const [point] = await tracing.metric('mellea.llm.errors');
    expect(point!.attributes['mellea.error.category']).toBe(category);
    expect(String(point!.attributes['error.type'])).toMatch(
      errorClass === 'APIError' ? /Error$/ : new RegExp(`^${errorClass}$`),
    );
    expect(point!.attributes['gen_ai.request.model']).toBe('claude-test');
  });
});
