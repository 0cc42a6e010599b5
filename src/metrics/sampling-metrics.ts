/**
 * The public recording API of Mellea's sampling and requirement counters. A session runtime (this package's
 * `mellea-telemetry/runtime`, or your own) calls these where a sampling run or a requirement check ends; with
 * metrics off each is one flag check.
 */
import { metrics } from './metrics-state';

/** A bounded label for a strategy or requirement: its string `name`, else its class name (never free text). */
function labelOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return 'unknown';
  try {
    const name = (value as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '' && typeof value === 'object') return name;
    if (typeof value === 'function') return value.name || 'anonymous';
    const className = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof className === 'string' && className !== '' ? className : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Counts one finished sampling run: `mellea.sampling.attempts` += `attempts`, and one
 * `mellea.sampling.successes` or `.failures`, each with `strategy` = the strategy's `name` or class name.
 *
 * @example
 * const result = await strategy.sample(run);
 * recordSamplingRun(strategy, result.sampleGenerations.length, result.success);
 */
export function recordSamplingRun(strategy: unknown, attempts: number, success: boolean): void {
  const recorder = metrics.recorder;
  if (recorder === undefined) return;
  recorder.recordSamplingRun(labelOf(strategy), Number.isFinite(attempts) ? attempts : 0, success);
}

/**
 * Counts one requirement check (`mellea.requirement.checks`, and `mellea.requirement.failures` when it did not
 * pass) with `requirement` = the requirement's `name` or class name — not its description, which is free text.
 *
 * @example
 * const verdict = await requirement.validate(output);
 * recordRequirementCheck(requirement, verdict.passed);
 */
export function recordRequirementCheck(requirement: unknown, passed: boolean): void {
  const recorder = metrics.recorder;
  if (recorder === undefined) return;
  recorder.recordRequirementCheck(labelOf(requirement), passed);
}
