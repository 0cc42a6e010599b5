/**
 * The HTTP layer both real backends share: Node's built-in `fetch`, W3C trace-context headers, a timeout and
 * the caller's AbortSignal, and the translation of every failure into the typed errors of `errors.ts` — with
 * the API key and auth headers scrubbed from any text that reaches a message.
 */
import { injectTraceContext } from 'mellea-telemetry';
import {
  BackendConnectionError,
  BackendError,
  BackendHttpError,
  BackendResponseError,
  BackendTimeoutError,
} from './errors';
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

/** Header names whose values are treated as secrets (redacted from every message). */
const SECRET_HEADER = /auth|key|token|secret|cookie|session/i;
const REDACTED = '[REDACTED]';
/** How much of a server's error body ends up in an error message. */
const MAX_SERVER_MESSAGE = 500;
/** A 2xx JSON answer larger than this is refused rather than buffered (answers are a few KiB to a few MiB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** How much of an error body is read for its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** POSTs JSON to one model server and turns every failure into a typed {@link BackendError}. */
export class ModelHttpClient {
  private readonly baseURL: string;
  private readonly timeoutMs: number;
  // #private: the auth header and the secrets list are unreachable from outside (no inspect, no enumeration).
  readonly #headers: Readonly<Record<string, string>>;
  readonly #secrets: readonly string[];

  constructor(options: ModelHttpClientOptions) {
    this.baseURL = options.baseURL.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.#headers = { ...options.headers };
    this.#secrets = secretValues(this.#headers);
  }

  /** POSTs `body` to `path` and returns the parsed JSON answer. */
  async postJson(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const request = this.open(path, body, 'application/json', signal);
    try {
      const response = await request.response;
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
    const request = this.open(path, body, accept, signal);
    try {
      const response = await request.response;
      if (response.body === null)
        throw new BackendResponseError(`${request.endpoint} answered without a body`, request.endpoint);
      try {
        yield* readLines(response.body, request.endpoint);
      } catch (error) {
        throw request.translate(error);
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
      );
    }
  }

  /** The endpoint as it may appear in messages: origin and path, never credentials or a query string. */
  endpoint(path: string): string {
    const url = `${this.baseURL}${path}`;
    try {
      const parsed = new URL(url);
      return `${parsed.origin}${parsed.pathname}`;
    } catch {
      return this.redact(url.replace(/\?.*$/, ''));
    }
  }

  /** `text` with every secret header value (and any `Bearer` token) replaced by `[REDACTED]`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED);
    return out.replace(/(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`);
  }

  /**
   * Starts one request. Its signal aborts on the timeout or the caller's signal; `close()` (called when the
   * answer is read, the stream ends or fails) clears the timer and unlinks the caller's signal, so nothing
   * outlives the call.
   */
  private open(path: string, body: unknown, accept: string, callerSignal: AbortSignal | undefined) {
    const endpoint = this.endpoint(path);
    const payload = JSON.stringify(body); // before the timer: a body that cannot be serialised leaves nothing behind
    const headers: Record<string, string> = { ...this.#headers, 'content-type': 'application/json', accept };
    injectTraceContext(headers);
    const controller = new AbortController();
    let timedOut = false;
    // Ref'd on purpose (an in-flight request keeps the process alive anyway) and always cleared by close().
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`no answer within ${this.timeoutMs} ms`, 'TimeoutError'));
    }, this.timeoutMs);
    const unlink = linkAbort(callerSignal, controller);
    const translate = (error: unknown): unknown => {
      if (error instanceof BackendError) return error;
      if (timedOut) return new BackendTimeoutError(endpoint, this.timeoutMs);
      if (callerSignal?.aborted) return callerSignal.reason ?? error;
      return this.connectionError(error, endpoint);
    };
    const init = { method: 'POST', headers, body: payload, signal: controller.signal };
    const response = fetch(`${this.baseURL}${path}`, init).then(
      async (answer) => {
        if (!answer.ok) throw await this.httpError(answer, endpoint).catch(translate);
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

/** Aborts `target` when `source` aborts (now or later); returns the function that removes the link. */
export function linkAbort(source: AbortSignal | undefined, target: AbortController): () => void {
  if (source === undefined) return () => undefined;
  if (source.aborted) {
    target.abort(source.reason);
    return () => undefined;
  }
  const forward = (): void => target.abort(source.reason);
  source.addEventListener('abort', forward, { once: true });
  return () => source.removeEventListener('abort', forward);
}

function secretValues(headers: Readonly<Record<string, string>>): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name) || value.length < 4) continue;
    secrets.add(value);
    const token = value.replace(/^(Bearer|Basic)\s+/i, '');
    if (token.length >= 4) secrets.add(token);
  }
  return [...secrets].sort((a, b) => b.length - a.length);
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

function preview(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Runs one request per action concurrently and returns the outputs in order. On the first failure the other
 * requests are aborted and that failure is thrown; the caller's signal aborts them all.
 */
export async function runPerAction<A, R>(
  actions: readonly A[],
  callerSignal: AbortSignal | undefined,
  run: (action: A, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const siblings = new AbortController();
  const unlink = linkAbort(callerSignal, siblings);
  try {
    return await Promise.all(actions.map((action) => run(action, siblings.signal)));
  } catch (error) {
    throw callerSignal?.aborted ? (callerSignal.reason ?? error) : error;
  } finally {
    unlink();
    siblings.abort();
  }
}
