import { copyOwnMetadata } from './metadata';

/** Marks a wrapper produced by this package, with the span it opens (lets `@generative` avoid a second `aact`). */
export const TRACED_METHOD = Symbol.for('mellea-telemetry:traced-method');

/** What the mark of a traced wrapper says: its scope and (when fixed) its span name. */
export interface TracedMethodMark {
  readonly scope: string;
  readonly spanName: string | undefined;
}

/** Gives `wrapper` the original's `name`, `length` and reflect-metadata, and marks it as traced. */
export function preserveIdentity(wrapper: Function, original: Function, mark: TracedMethodMark): void {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  Object.defineProperty(wrapper, TRACED_METHOD, { value: mark });
  copyOwnMetadata(original, wrapper);
}

/** The mark of a traced method, or undefined for anything else. */
export function tracedMark(fn: unknown): TracedMethodMark | undefined {
  return typeof fn === 'function' ? (fn as { [TRACED_METHOD]?: TracedMethodMark })[TRACED_METHOD] : undefined;
}
