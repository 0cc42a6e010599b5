/**
 * The worker build's trace file (`workerd` / `worker` export condition): none — a Worker has no file system.
 * `MELLEA_TRACE_FILE` there gives one warning. Same factory as file-exporter.ts, without importing `node:fs`.
 */
import { warnOnce } from '../warnings';

export type { TraceFileSettings } from './file-exporter';

/** Always undefined in a Worker, with one warning. */
export function createTraceFileProcessor(path: string, _settings: unknown): undefined {
  warnOnce(
    'trace-file:worker',
    `MELLEA_TRACE_FILE is set but a Worker has no file system; spans are not written to ${JSON.stringify(path)}.`,
  );
  return undefined;
}
