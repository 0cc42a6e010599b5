import {
  type Backend,
  BackendHttpError,
  BackendTimeoutError,
  ChatContext,
  type Context,
  Message,
  OllamaModelBackend,
  OpenAIBackend,
} from 'mellea-telemetry/runtime';

// OpenAI itself: the key comes from the environment, never from source.
export const openai = () => new OpenAIBackend({ modelId: 'gpt-4o-mini', apiKey: process.env.OPENAI_API_KEY });

// vLLM (`vllm serve ibm-granite/granite-3.3-2b-instruct`): no key unless the server was started with --api-key.
export const vllm = (baseURL = 'http://localhost:8000/v1') =>
  new OpenAIBackend({ modelId: 'ibm-granite/granite-3.3-2b-instruct', baseURL });

// Ollama's OpenAI-compatible endpoint (spans still say gen_ai.system=openai: the class decides).
export const ollamaV1 = (baseURL = 'http://localhost:11434/v1') =>
  new OpenAIBackend({ modelId: 'granite4.1:3b', baseURL });

// A LiteLLM proxy: its virtual key as apiKey, the proxy's model alias as modelId; chat-only upstreams → rawApi 'chat'.
export const litellm = (baseURL = 'http://localhost:4000') =>
  new OpenAIBackend({ modelId: 'claude-sonnet', baseURL, apiKey: process.env.LITELLM_API_KEY, rawApi: 'chat' });

// Ollama's native API: usage from prompt_eval_count / eval_count; a long timeout for cold model loads.
export const ollama = (baseURL = 'http://localhost:11434') =>
  new OllamaModelBackend({ modelId: 'granite4.1:3b', baseURL, timeoutMs: 120_000, modelOptions: { num_ctx: 8192 } });

/** One question; on HTTP 429 waits as long as the server asks, once; a timeout becomes a friendly message. */
export async function ask(backend: Backend, question: string, ctx: Context = new ChatContext()): Promise<string> {
  const action = new Message('user', question);
  try {
    return (await backend.generateFromContext(action, ctx)).value;
  } catch (error) {
    if (error instanceof BackendTimeoutError) return `(no answer within ${error.timeoutMs} ms)`;
    if (!(error instanceof BackendHttpError) || error.status !== 429) throw error;
    await new Promise((resolve) => setTimeout(resolve, (error.retryAfterSeconds ?? 1) * 1000));
    return (await backend.generateFromContext(action, ctx)).value;
  }
}

/** Streams an answer to `write` as it arrives; the chat span ends when the stream does. */
export async function streamAnswer(
  backend: OpenAIBackend | OllamaModelBackend,
  question: string,
  write: (text: string) => void,
) {
  let text = '';
  for await (const chunk of backend.streamFromContext(new Message('user', question), new ChatContext())) {
    write(chunk.delta);
    text += chunk.delta;
  }
  return text;
}
