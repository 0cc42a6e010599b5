import { diag } from '@opentelemetry/api';

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
  try {
    diag.warn(`mellea-telemetry: ${message}`);
    process.emitWarning(message, { type: WARNING_TYPE, code: key.split(':', 1)[0] });
  } catch {
    // Nothing sensible left to do: telemetry must never fail the host.
  }
}

/** Forgets which warnings were shown, so a reload reports a still-bad setting again. */
export function resetWarnings(): void {
  warned.clear();
}

/** Short, single-line description of an unknown thrown value, for warnings. */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return 'unprintable error';
  }
}
