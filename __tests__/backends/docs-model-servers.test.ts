// Runs the snippets of docs/backends.md ("Using the HTTP backends") against loopback servers speaking the
// OpenAI and Ollama wire formats.

import { OpenAIBackend } from '../../runtime/backends/openai';
import { ask, litellm, ollama, ollamaV1, openai, streamAnswer, vllm } from './docs-model-servers';
import { genAiAttributes, useTestTracing } from './fixtures';
import { sendJson, sendNdjson, sendSse, useWireServer } from './wire-server';

const completion = (model: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1741569952,
  model,
  choices: [
    { index: 0, message: { role: 'assistant', content: `hi from ${model}` }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
});

const tracing = useTestTracing();
const server = useWireServer((request, res) => {
  if (request.path.endsWith('/chat/completions')) {
    if (!request.body.stream) return sendJson(res, 200, completion(request.body.model));
    const chunk = (choices: unknown[], usage: unknown = null) => ({
      id: 'chatcmpl-2',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'vllm-model',
      choices,
      usage,
    });
    return sendSse(res, [
      chunk([{ index: 0, delta: { role: 'assistant', content: 'str' }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: 'eamed' }, finish_reason: 'stop' }]),
      chunk([], { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }),
    ]);
  }
  if (request.path === '/api/chat' && request.body.stream) {
    return sendNdjson(res, [
      { model: 'granite4.1:3b', created_at: 't', message: { role: 'assistant', content: 'nd' }, done: false },
      { model: 'granite4.1:3b', created_at: 't', message: { role: 'assistant', content: 'json' }, done: false },
      {
        model: 'granite4.1:3b',
        created_at: 't',
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 7,
        eval_count: 2,
      },
    ]);
  }
  if (request.path === '/api/chat') {
    return sendJson(res, 200, {
      model: 'granite4.1:3b',
      created_at: 't',
      message: { role: 'assistant', content: 'native' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 7,
      eval_count: 1,
    });
  }
  sendJson(res, 404, { error: `no route ${request.path}` });
});

it('openai() targets api.openai.com with the key from the environment (no request made)', () => {
  const backend = openai();
  expect(backend).toBeInstanceOf(OpenAIBackend);
  expect(backend.baseURL).toBe('https://api.openai.com/v1');
  expect(backend.modelId).toBe('gpt-4o-mini');
});

it('vllm(), ollamaV1() and litellm() speak Chat Completions; litellm sends its key', async () => {
  process.env.LITELLM_API_KEY = 'sk-litellm-virtual';
  try {
    expect(await ask(vllm(`${server.url}/v1`), 'hi')).toBe('hi from ibm-granite/granite-3.3-2b-instruct');
    expect(await ask(ollamaV1(`${server.url}/v1`), 'hi')).toBe('hi from granite4.1:3b');
    expect(await ask(litellm(server.url), 'hi')).toBe('hi from claude-sonnet');
  } finally {
    delete process.env.LITELLM_API_KEY;
  }
  expect(server.requests.map((request) => request.path)).toEqual([
    '/v1/chat/completions',
    '/v1/chat/completions',
    '/chat/completions',
  ]);
  expect(server.requests[2]!.headers['authorization']).toBe('Bearer sk-litellm-virtual');
  expect(tracing.spansNamed('chat').map((span) => span.attributes['gen_ai.system'])).toEqual([
    'openai',
    'openai',
    'openai',
  ]);
});

it('ollama() uses the native API and its model options', async () => {
  expect(await ask(ollama(server.url), 'hi')).toBe('native');
  expect(server.requests[0]!.body).toMatchObject({ model: 'granite4.1:3b', stream: false, options: { num_ctx: 8192 } });
  expect(genAiAttributes(tracing.span('chat'))).toMatchObject({
    'gen_ai.system': 'ollama',
    'gen_ai.usage.total_tokens': 8,
  });
});

it('ask() waits out one 429 using retry-after', async () => {
  let calls = 0;
  server.handle((_, res) =>
    ++calls === 1
      ? sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests' } }, { 'retry-after': '0' })
      : sendJson(res, 200, completion('after-retry')),
  );
  expect(await ask(vllm(`${server.url}/v1`), 'hi')).toBe('hi from after-retry');
  expect(tracing.spansNamed('chat').map((span) => span.attributes['error.type'] ?? 'ok')).toEqual([
    'BackendHttpError',
    'ok',
  ]);
});

it('ask() turns a timeout into a message', async () => {
  server.handle(() => undefined);
  const slow = new OpenAIBackend({ modelId: 'm', baseURL: `${server.url}/v1`, timeoutMs: 50 });
  expect(await ask(slow, 'hi')).toBe('(no answer within 50 ms)');
});

it('streamAnswer() writes deltas as they arrive, for both backends', async () => {
  const written: string[] = [];
  expect(await streamAnswer(vllm(`${server.url}/v1`), 'hi', (text) => written.push(text))).toBe('streamed');
  expect(await streamAnswer(ollama(server.url), 'hi', (text) => written.push(text))).toBe('ndjson');
  expect(written).toEqual(['str', 'eamed', '', 'nd', 'json', '']);
  expect(tracing.spansNamed('chat').map((span) => span.attributes['gen_ai.usage.total_tokens'])).toEqual([5, 9]);
});
