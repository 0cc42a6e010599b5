/**
 * `OllamaModelBackend`: Ollama's native API (`/api/chat`, NDJSON streaming, `/api/generate`) over Node's
 * built-in `fetch`. Traced with the package's own decorators (applied by `traceMethods`):
 * `generateFromContext` and `streamFromContext` → `chat`, `generateFromRaw` → `text_completion`.
 */
import { OPERATION_CHAT, OPERATION_TEXT_COMPLETION, traceBackend, traceMethods } from 'mellea-telemetry';
import { jsonSchemaOf } from '../format';
import { renderMessages, renderPrompt } from '../prompt';
import type { Action, Backend, GenerateOptions, GenerationContext, ModelOutput, StreamChunk } from '../types';
import { runPerAction } from './abort';
import { type HttpBackendOptions, httpClientFor, type ModelHttpClient } from './client';
import { BackendResponseError } from './errors';
import {
  arrayField,
  expectObject,
  inBandError,
  type JsonObject,
  numberField,
  objectField,
  stringField,
  type ToolCallingOutput,
  tokenUsage,
} from './response';

/** Options of {@link OllamaModelBackend}. */
export interface OllamaModelBackendOptions extends HttpBackendOptions {
  /** The model to run, e.g. `granite4.1:3b`. */
  readonly modelId: string;
  /** The Ollama server; default `http://localhost:11434`. */
  readonly baseURL?: string;
  /** Ollama model options sent with every call (`num_ctx`, `top_p`, `seed`...); `maxTokens`/`temperature` of a call win. */
  readonly modelOptions?: Readonly<Record<string, unknown>>;
  /** How long Ollama keeps the model loaded after a call (`keep_alive`, e.g. `'10m'`); Ollama's default when omitted. */
  readonly keepAlive?: string;
}

/**
 * A backend for a local (or remote) Ollama server through its native API. Ollama answers carry no response
 * id, so `gen_ai.response.id` is absent on its spans.
 *
 * @example
 * const backend = new OllamaModelBackend({ modelId: 'granite4.1:3b' });
 * const out = await backend.generateFromContext(new Message('user', 'Hello'), new SimpleContext());
 * out.value; out.usage?.inputTokens; out.finishReasons; // ['stop']
 */
export class OllamaModelBackend implements Backend {
  readonly modelId: string;
  readonly baseURL: string;
  readonly #http: ModelHttpClient;
  readonly #modelOptions: Readonly<Record<string, unknown>>;
  readonly #keepAlive: string | undefined;

  constructor(options: OllamaModelBackendOptions) {
    this.modelId = options.modelId;
    this.baseURL = options.baseURL ?? 'http://localhost:11434';
    this.#http = httpClientFor(options, this.baseURL);
    this.#modelOptions = { ...options.modelOptions };
    this.#keepAlive = options.keepAlive;
  }

  /** One chat answer (`POST /api/chat`, `stream: false`) for `action` after the history in `ctx`. */
  async generateFromContext(
    action: Action,
    ctx: GenerationContext,
    options: GenerateOptions = {},
  ): Promise<ToolCallingOutput> {
    const path = '/api/chat';
    const endpoint = this.#http.endpoint(path);
    const request = this.#chatRequest(action, ctx, options, false);
    const body = this.#answer(await this.#http.postJson(path, request, options.signal), endpoint);
    const message = objectField(body, 'message');
    if (message === undefined) throw new BackendResponseError(`${endpoint} sent an answer without a message`, endpoint);
    const toolCalls = arrayField(message, 'tool_calls');
    return {
      ...finalFields(body),
      value: stringField(message, 'content') ?? '',
      ...(toolCalls !== undefined && toolCalls.length > 0 ? { toolCalls } : {}),
    };
  }

  /**
   * Streams a chat answer (`POST /api/chat`, NDJSON): one chunk per line; the first carries the model, the
   * final `done: true` line the usage and the finish reason (`done_reason`).
   */
  async *streamFromContext(
    action: Action,
    ctx: GenerationContext,
    options: GenerateOptions = {},
  ): AsyncGenerator<StreamChunk> {
    const path = '/api/chat';
    const endpoint = this.#http.endpoint(path);
    const request = this.#chatRequest(action, ctx, options, true);
    let first = true;
    for await (const line of this.#http.postLines(path, request, 'application/x-ndjson', options.signal)) {
      if (line.trim() === '') continue;
      const event = this.#answer(this.#http.parseJson(line, endpoint, 'NDJSON line'), endpoint);
      const delta = stringField(objectField(event, 'message'), 'content') ?? '';
      if (event['done'] === true) {
        yield { delta, ...finalFields(event), model: first ? stringField(event, 'model') : undefined };
        return;
      }
      yield { delta, model: first ? stringField(event, 'model') : undefined };
      first = false;
    }
    throw new BackendResponseError(`${endpoint} ended the stream without a "done": true line`, endpoint);
  }

  /**
   * One raw completion per action (`POST /api/generate` with `raw: true`, so no chat template is applied),
   * sent concurrently; outputs in the order of `actions`. The first failure aborts the others and is thrown.
   */
  async generateFromRaw(actions: readonly Action[], options: GenerateOptions = {}): Promise<ModelOutput[]> {
    const path = '/api/generate';
    const endpoint = this.#http.endpoint(path);
    return runPerAction(actions, options.signal, async (action, signal) => {
      const request = { ...this.#body(options), prompt: renderPrompt(action), raw: true, stream: false };
      const body = this.#answer(await this.#http.postJson(path, request, signal), endpoint);
      return { ...finalFields(body), value: stringField(body, 'response') ?? '' };
    });
  }

  /** An `/api/chat` request: the shared fields, the rendered messages, tools when given. */
  #chatRequest(
    action: Action,
    ctx: GenerationContext,
    options: GenerateOptions,
    stream: boolean,
  ): Record<string, unknown> {
    const request: Record<string, unknown> = { ...this.#body(options), messages: renderMessages(action, ctx), stream };
    if (options.tools !== undefined && options.tools.length > 0) request['tools'] = options.tools;
    return request;
  }

  /** The fields every request shares: model, format (JSON schema), options, keep_alive. */
  #body(options: GenerateOptions): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.modelId };
    const schema = options.jsonSchema ?? jsonSchemaOf(options.format);
    if (schema !== undefined) body['format'] = schema;
    const modelOptions: Record<string, unknown> = { ...this.#modelOptions };
    if (options.maxTokens !== undefined) modelOptions['num_predict'] = options.maxTokens;
    if (options.temperature !== undefined) modelOptions['temperature'] = options.temperature;
    if (Object.keys(modelOptions).length > 0) body['options'] = modelOptions;
    if (this.#keepAlive !== undefined) body['keep_alive'] = this.#keepAlive;
    return body;
  }

  /** An answer object; an in-band `{"error": ...}` (Ollama reports mid-stream failures so) is thrown. */
  #answer(value: unknown, endpoint: string): JsonObject {
    const body = expectObject(value, endpoint, 'an Ollama answer');
    const error = inBandError(body);
    if (error !== undefined)
      throw new BackendResponseError(
        `${endpoint} reported an error: ${this.#http.redact(error)}`,
        endpoint,
        `${endpoint} reported an error in its answer`,
      );
    return body;
  }
}

traceMethods(OllamaModelBackend, {
  generateFromContext: traceBackend(OPERATION_CHAT),
  streamFromContext: traceBackend(OPERATION_CHAT),
  generateFromRaw: traceBackend(OPERATION_TEXT_COMPLETION),
});

/**
 * Usage, model and finish reason of a final (`done: true`) answer. Ollama omits zero counts (a fully cached
 * prompt has no `prompt_eval_count`), so a missing count is 0.
 */
function finalFields(body: JsonObject) {
  const reason = stringField(body, 'done_reason');
  return {
    usage: tokenUsage(numberField(body, 'prompt_eval_count') ?? 0, numberField(body, 'eval_count') ?? 0),
    model: stringField(body, 'model'),
    finishReasons: reason === undefined ? undefined : [reason],
  };
}
