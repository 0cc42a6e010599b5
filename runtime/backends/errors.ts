/**
 * Typed errors of the HTTP backends. Each class name becomes the backend span's `error.type`. Messages never
 * contain an API key or an auth header: every text taken from a server or from the network layer is passed
 * through the backend's redaction first (see `http.ts`).
 */

/** Base class of every error an HTTP backend raises for a failed model call. */
export class BackendError extends Error {
  /** The endpoint that failed, without credentials or query string (e.g. `http://localhost:11434/api/chat`). */
  readonly endpoint: string;

  constructor(message: string, endpoint: string) {
    super(message);
    this.name = new.target.name;
    this.endpoint = endpoint;
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
    super(`${endpoint} answered HTTP ${status}${detail}${retry}`, endpoint);
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
    super(`could not reach ${endpoint}${code === undefined ? '' : ` (${code})`}: ${detail}`, endpoint);
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

/** The server answered 2xx but the body (JSON, SSE or NDJSON) is not what the API documents. */
export class BackendResponseError extends BackendError {}
