/**
 * Typed errors of the HTTP backends. Each class name becomes the backend span's `error.type`. Messages never
 * contain an API key, an auth header or base-URL credentials: every text taken from a server or from the network
 * layer is passed through the backend's redaction first (see `redaction.ts`). Each error also describes itself
 * without any server text (`CONTENT_FREE_MESSAGE`: status code, error class, a fixed description) — what spans
 * record when `MELLEA_TRACE_CONTENT=false`, since a server's error body may echo the prompt.
 */
import { CONTENT_FREE_MESSAGE } from 'mellea-telemetry';

/** Base class of every error an HTTP backend raises for a failed model call. */
export class BackendError extends Error {
  /** The endpoint that failed, without credentials or query string (e.g. `http://localhost:11434/api/chat`). */
  readonly endpoint: string;
  readonly #contentFree: string;

  /** `contentFree`: the message without any server or model text (default: the message itself). */
  constructor(message: string, endpoint: string, contentFree: string = message) {
    super(message);
    this.name = new.target.name;
    this.endpoint = endpoint;
    this.#contentFree = contentFree;
  }

  /** The description recorded with content off: no server or model text. */
  get [CONTENT_FREE_MESSAGE](): string {
    return this.#contentFree;
  }
}

/**
 * The server answered with a non-2xx status (401 bad key, 404 unknown model, 429 rate limit, 5xx...).
 *
 * @example
 * try { await backend.generateFromContext(action, ctx); }
 * catch (error) { if (error instanceof BackendHttpError && error.status === 429) await sleep((error.retryAfterSeconds ?? 1) * 1000); }
 */
export class BackendHttpError extends BackendError {
  /** The HTTP status code. */
  readonly status: number;
  /** The server's own error message (redacted), when its body carried one. */
  readonly serverMessage: string | undefined;
  /** For 429/503: the server's `Retry-After`, in seconds, when it sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    endpoint: string,
    status: number,
    serverMessage: string | undefined,
    retryAfterSeconds: number | undefined,
  ) {
    const retry = retryAfterSeconds === undefined ? '' : ` (retry after ${retryAfterSeconds} s)`;
    const detail = serverMessage === undefined ? '' : `: ${serverMessage}`;
    super(
      `${endpoint} answered HTTP ${status}${detail}${retry}`,
      endpoint,
      `${endpoint} answered HTTP ${status}${retry}`,
    );
    this.status = status;
    this.serverMessage = serverMessage;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The server could not be reached (connection refused, unknown host, connection reset). */
export class BackendConnectionError extends BackendError {
  /** The system error code when known (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`...). */
  readonly code: string | undefined;

  constructor(endpoint: string, code: string | undefined, detail: string) {
    const what = `could not reach ${endpoint}${code === undefined ? '' : ` (${code})`}`;
    super(`${what}: ${detail}`, endpoint, what);
    this.code = code;
  }
}

/** The request (including reading the whole answer or stream) took longer than the backend's `timeoutMs`. */
export class BackendTimeoutError extends BackendError {
  readonly timeoutMs: number;

  constructor(endpoint: string, timeoutMs: number) {
    super(`${endpoint} did not answer within ${timeoutMs} ms`, endpoint);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The server answered 2xx but the body (JSON, SSE or NDJSON) is not what the API documents, or reported an
 * error inside it. Without a `contentFree` description, the content-free message is a fixed one.
 */
export class BackendResponseError extends BackendError {
  constructor(
    message: string,
    endpoint: string,
    contentFree = `${endpoint} sent a response the API does not document`,
  ) {
    super(message, endpoint, contentFree);
  }
}

const LIMIT_TEXT = { line: 'a line', event: 'an SSE event', response: 'a response' } as const;

/** Which limit of a streamed answer was hit (see docs/backends.md, "Limits"). */
export type StreamLimit = 'line' | 'event' | 'response';

/**
 * A streamed answer exceeded a limit: one line (NDJSON, SSE), one SSE event, or the whole response. A broken or
 * hostile server cannot grow the heap without bound.
 *
 * @example
 * catch (error) { if (error instanceof BackendStreamLimitError) console.log(error.limit, error.maxBytes); }
 */
export class BackendStreamLimitError extends BackendResponseError {
  constructor(
    endpoint: string,
    readonly limit: StreamLimit,
    /** The limit, in UTF-16 code units for a line or an event, in bytes for a response. */
    readonly maxBytes: number,
  ) {
    const message = `${endpoint} streamed ${LIMIT_TEXT[limit]} over the limit of ${maxBytes} ${limit === 'response' ? 'bytes' : 'characters'}`;
    super(message, endpoint, message);
  }
}
