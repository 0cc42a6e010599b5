/**
 * What a failed call records about its error. With content on: the message, its URLs stripped of credentials,
 * bounded to 500 code points. With content off (MELLEA_TRACE_CONTENT=false) no message text at all — an error's
 * message may quote the prompt, the model output or a server's echo of the request — only the error's class and
 * the content-free description it offers under {@link CONTENT_FREE_MESSAGE}, or a fixed one.
 */
import { stripUrlSecrets } from './printable-url';
import { RESPONSE_MAX_CODE_POINTS } from './semconv';
import { truncateResponse } from './truncate';

/**
 * The key under which an error class offers a description of itself without any content (no prompt, output or
 * server text): recorded instead of the message when `MELLEA_TRACE_CONTENT=false`. A registered symbol, so any
 * copy of the package (and code that does not import it) agrees on it.
 *
 * @example
 * class QuotaError extends Error {
 *   get [CONTENT_FREE_MESSAGE]() { return `quota exceeded (HTTP ${this.status})`; }
 *   constructor(message: string, readonly status: number) { super(message); }
 * }
 */
export const CONTENT_FREE_MESSAGE: unique symbol = Symbol.for('mellea-telemetry.contentFreeMessage') as never;

/** The class name of a thrown value (`error.type`), `_OTHER` when it has none. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    try {
      const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && name !== '') return name;
    } catch {
      // A hostile error object (throwing getter, revoked proxy): typed as unknown.
    }
  }
  return '_OTHER';
}

/** The error's own content-free description, when it offers one. */
function contentFreeMessageOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const value = (error as { [CONTENT_FREE_MESSAGE]?: unknown })[CONTENT_FREE_MESSAGE];
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

function rawMessage(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string')
      return (error as { message: string }).message;
    return String(error);
  } catch {
    return 'unprintable error';
  }
}

/** The message to record or print for `error`: bounded, no URL credentials, and no text at all without content. */
export function errorMessage(error: unknown, content: boolean): string {
  if (!content) {
    const own = contentFreeMessageOf(error);
    return own !== undefined
      ? truncateResponse(stripUrlSecrets(own), RESPONSE_MAX_CODE_POINTS)
      : `${errorType(error)} (message not recorded: MELLEA_TRACE_CONTENT=false)`;
  }
  return truncateResponse(stripUrlSecrets(rawMessage(error)), RESPONSE_MAX_CODE_POINTS);
}

/**
 * The stack to record: its frames, headed by `name: message` as {@link errorMessage} gives it (V8 puts the whole
 * raw message at the top of `error.stack`). Undefined when the error has no stack.
 */
export function errorStack(error: unknown, message: string): string | undefined {
  let stack: unknown;
  try {
    stack = (error as { stack?: unknown } | null)?.stack;
  } catch {
    return undefined;
  }
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return stripUrlSecrets([`${errorType(error)}: ${message}`, ...frames].join('\n'));
}
