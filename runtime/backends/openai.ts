/**
 * `OpenAIBackend`: any OpenAI-compatible Chat Completions server (OpenAI, vLLM, Ollama's `/v1`, a LiteLLM
 * proxy), over Node's built-in `fetch`. Traced with the package's own decorators (applied by `traceMethods`):
 * `generateFromContext` and `streamFromContext` → `chat`, `generateFromRaw` → `text_completion`.
 */
import { OPERATION_CHAT, OPERATION_TEXT_COMPLETION, traceBackend, traceMethods } from 'mellea-telemetry';
import { jsonSchemaOf } from '../format';
import { actionMessages, renderMessages, renderPrompt } from '../prompt';
import type { Action, Backend, ChatMessage, GenerateOptions, GenerationContext, StreamChunk } from '../types';
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
import { sseData } from './streams';

/** Options of {@link OpenAIBackend}. */
export interface OpenAIBackendOptions extends HttpBackendOptions {
  /** The model to request, e.g. `gpt-4o-mini`, or the name vLLM / LiteLLM serve it under. */
  readonly modelId: string;
  /** The API prefix; default `https://api.openai.com/v1` (vLLM: `http://localhost:8000/v1`, Ollama: `http://localhost:11434/v1`). */
  readonly baseURL?: string;
  /** Extra request-body fields for every call (e.g. `{ top_p: 0.9 }` or `{ max_completion_tokens: 512 }`); the backend's own fields win. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /**
   * How `generateFromRaw` sends each action: `'completions'` (default) as a raw prompt to `POST /completions`
   * (vLLM, LiteLLM, Ollama `/v1`, OpenAI's instruct models); `'chat'` as the action's messages to
   * `POST /chat/completions`, for servers or models without the legacy completions endpoint (e.g. `gpt-4o`).
   */
  readonly rawApi?: 'completions' | 'chat';
  /** `strict` of the `response_format` JSON schema (OpenAI structured outputs); default false. */
  readonly strictJsonSchema?: boolean;
}

/**
 * A backend for OpenAI-compatible Chat Completions servers. Each call is one HTTP request carrying
 * `traceparent` for its `chat` / `text_completion` span.
 *
 * @example
 * const backend = new OpenAIBackend({ modelId: 'gpt-4o-mini', apiKey: process.env.OPENAI_API_KEY });
 * const out = await backend.generateFromContext(new Message('user', 'Hello'), new SimpleContext());
 * out.value; out.usage?.totalTokens; out.finishReasons; // ['stop']
 */
export class OpenAIBackend implements Backend {
  readonly modelId: string;
  readonly baseURL: string;
  readonly rawApi: 'completions' | 'chat';
  readonly #http: ModelHttpClient;
  readonly #extraBody: Readonly<Record<string, unknown>>;
  readonly #strict: boolean;

  constructor(options: OpenAIBackendOptions) {
    this.modelId = options.modelId;
    this.baseURL = options.baseURL ?? 'https://api.openai.com/v1';
    this.rawApi = options.rawApi ?? 'completions';
    this.#http = httpClientFor(options, this.baseURL);
    this.#extraBody = { ...options.extraBody };
    this.#strict = options.strictJsonSchema ?? false;
  }

  /** One chat completion (`POST /chat/completions`) for `action` after the history in `ctx`. */
  async generateFromContext(
    action: Action,
    ctx: GenerationContext,
    options: GenerateOptions = {},
  ): Promise<ToolCallingOutput> {
    return this.#chat(renderMessages(action, ctx), options, options.signal);
  }

  /**
   * Streams a chat completion (SSE, `stream_options.include_usage`): one chunk per event; the first carries the
   * response id and model, the finish reason comes with its choice, the usage with the last event.
   */
  async *streamFromContext(
    action: Action,
    ctx: GenerationContext,
    options: GenerateOptions = {},
  ): AsyncGenerator<StreamChunk> {
    const path = '/chat/completions';
    const endpoint = this.#http.endpoint(path);
    const body = {
      ...this.#chatBody(renderMessages(action, ctx), options),
      stream: true,
      stream_options: { include_usage: true },
    };
    const lines = this.#http.postLines(path, body, 'text/event-stream', options.signal);
    let first = true;
    for await (const data of sseData(lines, endpoint)) {
      if (data === '[DONE]') return;
      const event = expectObject(
        this.#http.parseJson(data, endpoint, 'SSE event'),
        endpoint,
        'a chat.completion.chunk',
      );
      const error = inBandError(event);
      if (error !== undefined) {
        throw new BackendResponseError(
          `${endpoint} reported an error in the stream: ${this.#http.redact(error)}`,
          endpoint,
          `${endpoint} reported an error in the stream`,
        );
      }
      yield streamChunkOf(event, first);
      first = false;
    }
    throw new BackendResponseError(`${endpoint} ended the stream without "data: [DONE]"`, endpoint);
  }

  /**
   * One raw completion per action, sent concurrently (see `rawApi`); outputs in the order of `actions`. The
   * first failure aborts the other requests and is thrown.
   */
  async generateFromRaw(actions: readonly Action[], options: GenerateOptions = {}): Promise<ToolCallingOutput[]> {
    return runPerAction(actions, options.signal, (action, signal) =>
      this.rawApi === 'chat'
        ? this.#chat(actionMessages(action), options, signal)
        : this.#complete(renderPrompt(action), options, signal),
    );
  }

  async #chat(
    messages: ChatMessage[],
    options: GenerateOptions,
    signal: AbortSignal | undefined,
  ): Promise<ToolCallingOutput> {
    const path = '/chat/completions';
    const endpoint = this.#http.endpoint(path);
    const body = expectObject(
      await this.#http.postJson(path, this.#chatBody(messages, options), signal),
      endpoint,
      'a chat.completion',
    );
    const choices = choicesOf(body, endpoint);
    const message = objectField(choices[0], 'message');
    if (message === undefined) throw new BackendResponseError(`${endpoint} sent a choice without a message`, endpoint);
    const toolCalls = arrayField(message, 'tool_calls');
    return {
      ...resultFields(body, choices),
      value: stringField(message, 'content') ?? '',
      ...(toolCalls !== undefined && toolCalls.length > 0 ? { toolCalls } : {}),
    };
  }

  async #complete(
    prompt: string,
    options: GenerateOptions,
    signal: AbortSignal | undefined,
  ): Promise<ToolCallingOutput> {
    const path = '/completions';
    const endpoint = this.#http.endpoint(path);
    const request = { ...this.#extraBody, model: this.modelId, prompt, ...samplingFields(options) };
    const body = expectObject(await this.#http.postJson(path, request, signal), endpoint, 'a text_completion');
    const choices = choicesOf(body, endpoint);
    return { ...resultFields(body, choices), value: stringField(choices[0], 'text') ?? '' };
  }

  #chatBody(messages: ChatMessage[], options: GenerateOptions): Record<string, unknown> {
    const body: Record<string, unknown> = {
      ...this.#extraBody,
      model: this.modelId,
      messages,
      ...samplingFields(options),
    };
    const schema = options.jsonSchema ?? jsonSchemaOf(options.format);
    if (schema !== undefined) {
      body['response_format'] = {
        type: 'json_schema',
        json_schema: { name: schemaName(schema), schema, strict: this.#strict },
      };
    }
    if (options.tools !== undefined && options.tools.length > 0) body['tools'] = options.tools;
    return body;
  }
}

traceMethods(OpenAIBackend, {
  generateFromContext: traceBackend(OPERATION_CHAT),
  streamFromContext: traceBackend(OPERATION_CHAT),
  generateFromRaw: traceBackend(OPERATION_TEXT_COMPLETION),
});

function samplingFields(options: GenerateOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (options.maxTokens !== undefined) fields['max_tokens'] = options.maxTokens;
  if (options.temperature !== undefined) fields['temperature'] = options.temperature;
  return fields;
}

function choicesOf(body: JsonObject, endpoint: string): JsonObject[] {
  const choices = arrayField(body, 'choices');
  if (choices === undefined || choices.length === 0)
    throw new BackendResponseError(`${endpoint} sent no choices`, endpoint);
  return choices.map((choice) => expectObject(choice, endpoint, 'a choice'));
}

/** Usage, response model, id and finish reasons of a (chat) completion body. */
function resultFields(body: JsonObject, choices: readonly JsonObject[]) {
  const usage = objectField(body, 'usage');
  return {
    usage: tokenUsage(
      numberField(usage, 'prompt_tokens'),
      numberField(usage, 'completion_tokens'),
      numberField(usage, 'total_tokens'),
    ),
    model: stringField(body, 'model'),
    id: stringField(body, 'id'),
    finishReasons: finishReasonsOf(choices),
  };
}

function finishReasonsOf(choices: readonly unknown[]): string[] | undefined {
  const reasons = choices
    .map((choice) => stringField(choice as JsonObject, 'finish_reason'))
    .filter((reason) => reason !== undefined);
  return reasons.length > 0 ? reasons : undefined;
}

/** One SSE `chat.completion.chunk` as a {@link StreamChunk}: id/model from the first, usage when present. */
function streamChunkOf(event: JsonObject, first: boolean): StreamChunk {
  const choices = arrayField(event, 'choices') ?? [];
  const choice = choices[0] as JsonObject | undefined;
  const usage = objectField(event, 'usage');
  return {
    delta: stringField(objectField(choice, 'delta'), 'content') ?? '',
    id: first ? stringField(event, 'id') : undefined,
    model: first ? stringField(event, 'model') : undefined,
    usage: tokenUsage(
      numberField(usage, 'prompt_tokens'),
      numberField(usage, 'completion_tokens'),
      numberField(usage, 'total_tokens'),
    ),
    finishReasons: finishReasonsOf(choices),
  };
}

/** The `json_schema.name` OpenAI requires (`^[a-zA-Z0-9_-]{1,64}$`): the schema's title, else `response`. */
function schemaName(schema: Readonly<Record<string, unknown>>): string {
  const title = typeof schema['title'] === 'string' ? schema['title'].replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) : '';
  return title === '' ? 'response' : title;
}
