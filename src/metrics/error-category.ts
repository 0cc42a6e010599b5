/**
 * `mellea.error.category` of a failed model call, from what the error says about itself: the class name (this
 * package's runtime backends and the official SDKs — openai, @anthropic-ai/sdk, ollama — name their errors
 * for what went wrong), the HTTP status, and the error code (its own, its body's, or its cause's).
 */
import type { ErrorCategory } from '../semconv';

/**
 * Classifies a thrown value.
 *
 * @example
 * errorCategory(Object.assign(new Error('slow down'), { status: 429 })); // 'rate_limit'
 */
export function errorCategory(error: unknown): ErrorCategory {
  if (error === null || typeof error !== 'object') return 'unknown';
  const text = codesOf(error);
  // Content filters answer 400 like any bad request; only their code or message tells them apart.
  if (CONTENT_POLICY.test(text) || CONTENT_POLICY.test(messagesOf(error))) return 'content_policy';
  const byName = BY_CLASS_NAME[className(error)];
  if (byName !== undefined) return byName;
  const status = statusOf(error);
  if (status !== undefined) {
    if (status === 429) return 'rate_limit';
    if (status === 408 || status === 504) return 'timeout';
    if (status === 401 || status === 403) return 'auth';
    if (status >= 500) return 'server_error';
    if (status >= 400) return 'invalid_request';
  }
  if (RATE_LIMIT.test(text)) return 'rate_limit';
  if (TIMEOUT.test(text)) return 'timeout';
  if (AUTH.test(text)) return 'auth';
  if (TRANSPORT.test(text)) return 'transport_error';
  if (INVALID.test(text)) return 'invalid_request';
  const name = className(error);
  if (/timeout/i.test(name)) return 'timeout';
  if (/connection|network|fetch|socket/i.test(name)) return 'transport_error';
  return 'unknown';
}

const BY_CLASS_NAME: Readonly<Record<string, ErrorCategory>> = {
  // runtime/backends/errors.ts
  BackendTimeoutError: 'timeout',
  BackendConnectionError: 'transport_error',
  BackendResponseError: 'server_error',
  // openai and @anthropic-ai/sdk share these names
  RateLimitError: 'rate_limit',
  APIConnectionTimeoutError: 'timeout',
  APIConnectionError: 'transport_error',
  AuthenticationError: 'auth',
  PermissionDeniedError: 'auth',
  BadRequestError: 'invalid_request',
  NotFoundError: 'invalid_request',
  ConflictError: 'invalid_request',
  UnprocessableEntityError: 'invalid_request',
  InternalServerError: 'server_error',
  ContentFilterFinishReasonError: 'content_policy',
  LengthFinishReasonError: 'invalid_request',
  // Node and undici
  TimeoutError: 'timeout',
  ConnectTimeoutError: 'timeout',
  HeadersTimeoutError: 'timeout',
  BodyTimeoutError: 'timeout',
  SocketError: 'transport_error',
};

const CONTENT_POLICY = /content[_ -]?(filter|policy|management)|safety|moderation/i;
const RATE_LIMIT = /rate[_ -]?limit|too[_ -]many[_ -]requests|quota|insufficient_quota/i;
const TIMEOUT =
  /timed?[_ -]?out|timeout|ETIMEDOUT|ESOCKETTIMEDOUT|UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT|DEADLINE_EXCEEDED/i;
const AUTH = /invalid_api_key|authentication|unauthori[sz]ed|permission|forbidden/i;
const TRANSPORT =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|fetch failed/i;
const INVALID = /invalid_request|context_length_exceeded|model_not_found|not_found_error/i;

function className(error: object): string {
  const name = safeRead(error, 'constructor') as { name?: unknown } | undefined;
  return typeof name?.name === 'string' ? name.name : '';
}

/** `status`, `statusCode`, `status_code` (ollama's ResponseError) or `response.status`. */
function statusOf(error: object): number | undefined {
  for (const key of ['status', 'statusCode', 'status_code']) {
    const value = safeRead(error, key);
    if (typeof value === 'number' && Number.isInteger(value)) return value;
  }
  const response = safeRead(error, 'response');
  const status = response !== null && typeof response === 'object' ? safeRead(response, 'status') : undefined;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The machine-readable words an error carries: its `code` and `type`, its body's `error.code`/`error.type`
 * (OpenAI, Anthropic), its `name`, and the same of its `cause` (fetch's "fetch failed" hides ECONNREFUSED there).
 */
function codesOf(error: object, depth = 0): string {
  const words: string[] = [];
  for (const key of ['code', 'type', 'name']) {
    const value = safeRead(error, key);
    if (typeof value === 'string' || typeof value === 'number') words.push(String(value));
  }
  const body = safeRead(error, 'error');
  if (body !== null && typeof body === 'object') {
    for (const key of ['code', 'type']) {
      const value = safeRead(body, key);
      if (typeof value === 'string') words.push(value);
    }
    const nested = safeRead(body, 'error');
    const nestedType = nested !== null && typeof nested === 'object' ? safeRead(nested, 'type') : undefined;
    if (typeof nestedType === 'string') words.push(nestedType);
  }
  const message = safeRead(error, 'message');
  if (typeof message === 'string' && message === 'fetch failed') words.push(message);
  const cause = safeRead(error, 'cause');
  if (depth < 3 && cause !== null && typeof cause === 'object') words.push(codesOf(cause, depth + 1));
  return words.join(' ');
}

/** The error's message and a server message it carries (runtime `BackendHttpError.serverMessage`). */
function messagesOf(error: object): string {
  const message = safeRead(error, 'message');
  const server = safeRead(error, 'serverMessage');
  return `${typeof message === 'string' ? message.slice(0, 1000) : ''} ${typeof server === 'string' ? server.slice(0, 1000) : ''}`;
}

function safeRead(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
