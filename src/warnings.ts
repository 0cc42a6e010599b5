import { diag } from '@opentelemetry/api';
import { errorMessage, errorType } from './error-description';
import { stripUrlSecrets } from './printable-url';
import { state } from './state';

/** The `type` of every process warning this package emits (filter on it with `process.on('warning')`). */
export const WARNING_TYPE = 'MelleaTelemetryWarning';

const warned = new Set<string>();

/**
 * Emits a process warning once per `key` (until the next config reload), and mirrors it to OpenTelemetry's
 * `diag` logger. Never throws: a failing warning must not cost the host program anything.
 */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  warn(key, message);
}

/**
 * Emits a process warning now (the caller decides how often: e.g. once per collector outage). URLs in the message
 * lose their credentials and query strings. Never throws.
 */
export function warn(key: string, message: string): void {
  try {
    const text = stripUrlSecrets(message);
    diag.warn(`mellea-telemetry: ${text}`);
    process.emitWarning(text, { type: WARNING_TYPE, code: key.split(':', 1)[0] });
  } catch {
    // Nothing sensible left to do: telemetry must never fail the host.
  }
}

/** Forgets which warnings were shown, so a reload reports a still-bad setting again. */
export function resetWarnings(): void {
  warned.clear();
}

/**
 * Short, single-line description of an unknown thrown value, for warnings: `Class: message`, bounded, without URL
 * credentials — and without the message when content is off (it may quote a prompt or model output).
 */
export function describeError(error: unknown): string {
  try {
    const message = errorMessage(error, state.content).replace(/\s+/g, ' ');
    return state.content && typeof error === 'object' && error !== null && 'message' in error
      ? `${errorName(error)}: ${message}`
      : message;
  } catch {
    return 'unprintable error';
  }
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : errorType(error);
}
