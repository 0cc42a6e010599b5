/**
 * The HTTP client both real backends share: Node's built-in `fetch`, W3C trace-context headers, a timeout and
 * the caller's AbortSignal, and the translation of every failure into the typed errors of `errors.ts` — with
 * the API key, auth headers and base-URL credentials scrubbed from any text that reaches a message
 * (redaction.ts). Credentials in the base URL (`http://user:pass@host`) are sent as a Basic `Authorization`
 * header, never as part of the URL.
 */
import { injectTraceContext } from 'mellea-telemetry';
import { linkAbort } from './abort';
import {
  BackendConnectionError,
  BackendError,
  BackendHttpError,
  BackendResponseError,
  BackendTimeoutError,
} from './errors';
import { type HeldResponse, type PostInit, postWithHold } from './post';
import { preview, redactSecrets, secretValues } from './redaction';
import { readBody, readLines } from './streams';

/** The connection options every HTTP backend takes. */
export interface HttpBackendOptions {
  /** The model to request (`gen_ai.request.model`). */
  readonly modelId: string;
  /** The server's API prefix (each backend documents its default). */
  readonly baseURL?: string;
  /** Sent as `Authorization: Bearer …`; never recorded in spans, errors or logs. Omit for servers without auth. */
  readonly apiKey?: string;
  /** Milliseconds for a whole request, reading the answer or the stream included; default 300000 (5 min). */
  readonly timeoutMs?: number;
  /** Extra headers for every request; values of auth/key/token/secret/cookie headers are redacted from messages. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The client for a backend's options: the API key becomes a bearer `Authorization` header. */
export function httpClientFor(options: HttpBackendOptions, baseURL: string): ModelHttpClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey !== undefined && options.apiKey !== '') headers['authorization'] = `Bearer ${options.apiKey}`;
  return new ModelHttpClient({ baseURL, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, headers });
}

/** What a {@link ModelHttpClient} needs: where, how long, and which headers (secret ones included). */
export interface ModelHttpClientOptions {
  /** Prefix of every request path, e.g. `https://api.openai.com/v1` (a trailing slash is ignored). */
  readonly baseURL: string;
  /** Milliseconds for a whole request, reading the full answer or stream included. */
  readonly timeoutMs: number;
  /** Headers sent with every request (auth included); their secret values are redacted from messages. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The default request timeout of the HTTP backends (5 minutes: loading a model cold can take a while). */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** How much of a server's error body ends up in an error message. */
const MAX_SERVER_MESSAGE = 500;
/** A 2xx JSON answer larger than this is refused rather than buffered (answers are a few KiB to a few MiB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** How much of an error body is read for its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** POSTs JSON to one model server and turns every failure into a typed {@link BackendError}. */
export class ModelHttpClient {
  /** The base URL without credentials, query or trailing slash. */
  private readonly baseURL: string;
  private readonly timeoutMs: number;
  // #private: the auth header, the base URL's query and the secrets list are unreachable from outside.
  readonly #headers: Readonly<Record<string, string>>;
  readonly #query: string;
  readonly #secrets: readonly string[];

  constructor(options: ModelHttpClientOptions) {
    const base = splitBaseURL(options.baseURL);
    this.baseURL = base.prefix;
    this.#query = base.query;
    this.timeoutMs = options.timeoutMs;
    const headers: Record<string, string> = { ...options.headers };
    const hasAuth = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
    if (base.userinfo !== undefined && !hasAuth)
      headers['authorization'] = `Basic ${Buffer.from(base.userinfo).toString('base64')}`;
    this.#headers = headers;
    this.#secrets = secretValues(headers, base.secrets);
  }

  /** POSTs `body` to `path` and returns the parsed JSON answer. */
  async postJson(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const request = this.open(path, body, 'application/json', signal);
    try {
      const { response } = await request.response;
      let read: { text: string; truncated: boolean };
      try {
        read = await readBody(response, MAX_BODY_BYTES);
      } catch (error) {
        throw request.translate(error);
      }
      if (read.truncated) {
        throw new BackendResponseError(
          `${request.endpoint} sent a response body over ${MAX_BODY_BYTES} bytes`,
          request.endpoint,
        );
      }
      return this.parseJson(read.text, request.endpoint, 'response body');
    } finally {
      request.close();
    }
  }

  /** POSTs `body` to `path` and yields the lines of the streamed answer (SSE or NDJSON) as they arrive. */
  async *postLines(path: string, body: unknown, accept: string, signal?: AbortSignal): AsyncGenerator<string> {
    const request = this.open(path, body, accept, signal, postWithHold);
    try {
      const { response, hold, abandon } = await request.response;
      if (response.body === null)
        throw new BackendResponseError(`${request.endpoint} answered without a body`, request.endpoint);
      const lines = readLines(response.body, request.endpoint);
      let complete = false;
      try {
        for (;;) {
          let next: IteratorResult<string>;
          try {
            next = await lines.next();
          } catch (error) {
            throw request.translate(error);
          }
          if (next.done) {
            complete = true;
            return;
          }
          // Waiting for the consumer: only its own work keeps the process alive (a dropped iterator must not).
          hold(false);
          try {
            yield next.value;
          } finally {
            hold(true);
          }
        }
      } finally {
        // Stopped early or failed: readLines cancels the body; closing the request releases the connection too.
        if (!complete) {
          await lines.return(undefined);
          abandon();
        }
      }
    } finally {
      request.close();
    }
  }

  /** Parses one JSON document from the server; a malformed one is a {@link BackendResponseError}. */
  parseJson(text: string, endpoint: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new BackendResponseError(
        `${endpoint} sent a malformed ${what} (${this.redact(detail)}): ${this.redact(preview(text))}`,
        endpoint,
        `${endpoint} sent a malformed ${what}`,
      );
    }
  }

  /** The endpoint as it may appear in messages: origin and path, never credentials or a query string. */
  endpoint(path: string): string {
    return this.redact(`${this.baseURL}${path}`);
  }

  /** `text` with every secret (header values, base-URL credentials, `Bearer` tokens) replaced by `[REDACTED]`. */
  redact(text: string): string {
    return redactSecrets(text, this.#secrets);
  }

  /**
   * Starts one request. Its signal aborts on the timeout or the caller's signal; `close()` (called when the
   * answer is read, the stream ends or fails) clears the timer and unlinks the caller's signal, so nothing
   * outlives the call.
   */
  private open(
    path: string,
    body: unknown,
    accept: string,
    callerSignal: AbortSignal | undefined,
    send: (url: string, init: PostInit) => Promise<HeldResponse> = fetchWhole,
  ) {
    const endpoint = this.endpoint(path);
    const payload = JSON.stringify(body); // before the timer: a body that cannot be serialised leaves nothing behind
    const headers: Record<string, string> = { ...this.#headers, 'content-type': 'application/json', accept };
    injectTraceContext(headers);
    const controller = new AbortController();
    let timedOut = false;
    // Unref'd: a request in flight keeps the process alive by its socket anyway, and a stream the caller dropped
    // without return() must not hold a finished program open until the timeout. Always cleared by close().
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`no answer within ${this.timeoutMs} ms`, 'TimeoutError'));
    }, this.timeoutMs);
    timer.unref();
    const unlink = linkAbort(callerSignal, controller);
    const translate = (error: unknown): unknown => {
      if (error instanceof BackendError) return error;
      if (timedOut) return new BackendTimeoutError(endpoint, this.timeoutMs);
      if (callerSignal?.aborted) return callerSignal.reason ?? error;
      return this.connectionError(error, endpoint);
    };
    const init = { headers, body: payload, signal: controller.signal };
    const response = send(`${this.baseURL}${path}${this.#query}`, init).then(
      async (answer) => {
        if (!answer.response.ok) throw await this.httpError(answer.response, endpoint).catch(translate);
        return answer;
      },
      (error: unknown) => {
        throw translate(error);
      },
    );
    const close = (): void => {
      clearTimeout(timer);
      unlink();
    };
    return { endpoint, response, translate, close };
  }

  private async httpError(response: Response, endpoint: string): Promise<BackendHttpError> {
    const { text } = await readBody(response, MAX_ERROR_BODY_BYTES);
    return new BackendHttpError(
      endpoint,
      response.status,
      serverMessageOf(text, (value) => this.redact(value)),
      retryAfterSeconds(response.headers.get('retry-after')),
    );
  }

  /** A network failure (refused, reset, unknown host) as a {@link BackendConnectionError}. */
  private connectionError(error: unknown, endpoint: string): BackendConnectionError {
    const cause = (error as { cause?: unknown } | null)?.cause;
    const code = codeOf(cause) ?? codeOf(error);
    const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
    return new BackendConnectionError(endpoint, code, this.redact(detail));
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The server's own error text: OpenAI `{error:{message}}`, Ollama `{error:"..."}`, `{message}`, `{detail}`, or the body. */
function serverMessageOf(text: string, redact: (value: string) => string): string | undefined {
  let message: unknown = text.trim();
  try {
    const body = JSON.parse(text) as Record<string, unknown> | null;
    const error = body?.['error'];
    message =
      (typeof error === 'object' && error !== null ? (error as Record<string, unknown>)['message'] : error) ??
      body?.['message'] ??
      body?.['detail'] ??
      message;
  } catch {
    // not JSON: the raw text is the message
  }
  if (typeof message !== 'string') message = JSON.stringify(message);
  const cleaned = redact(String(message).trim());
  return cleaned === '' ? undefined : preview(cleaned, MAX_SERVER_MESSAGE);
}

/** `Retry-After` as seconds: delta-seconds, or an HTTP date converted to seconds from now. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Node's fetch, for whole answers: the request holds the process until it is answered, as it should. */
function fetchWhole(url: string, init: PostInit): Promise<HeldResponse> {
  return fetch(url, { method: 'POST', ...init }).then((response) => ({
    response,
    hold: () => undefined,
    abandon: () => undefined,
  }));
}

/**
 * The base URL split for use: `prefix` (no userinfo, query or trailing slash) for requests and messages, the
 * query appended to every request (e.g. Azure's `?api-version=`), the userinfo for a Basic header, and the values
 * to redact (password, userinfo, query values).
 */
function splitBaseURL(baseURL: string): { prefix: string; query: string; userinfo?: string; secrets: string[] } {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return { prefix: baseURL.replace(/\/+$/, ''), query: '', secrets: [] };
  }
  const secrets: string[] = [];
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const userinfo = user === '' && password === '' ? undefined : `${user}:${password}`;
  if (userinfo !== undefined) secrets.push(password, url.password, `${url.username}:${url.password}`, userinfo);
  for (const value of url.searchParams.values()) secrets.push(value);
  const query = url.search;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return {
    prefix: url.href.replace(/\/+$/, ''),
    query,
    ...(userinfo === undefined ? {} : { userinfo }),
    secrets,
  };
}
