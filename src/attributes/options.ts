/** The explicit-option layer: attributes a user passes to a decorator (highest precedence). */
import type { AttributeMap } from '../coerce';

/** Options shared by `@traceApplication` and `@traceBackend`. */
export interface TraceOptions<This = any, Args extends unknown[] = any[]> {
  /**
   * Extra attributes for the span, written after the conventions and metadata (so they win): a fixed map, or
   * a function of the call. A throwing function costs its attributes and logs one warning.
   */
  attributes?: AttributeMap | ((self: This, args: Args) => AttributeMap | undefined | void);
  /**
   * Attributes from the call's result (for a streamed result — async iterator or iterable, web stream, or a promise
   * of one: from each chunk, later chunks win).
   * Written after the conventions, so they win.
   */
  resultAttributes?: (result: any, self: This, args: Args) => AttributeMap | undefined | void;
}

/** Writes the `attributes` option (a map, or a function of the call) into `out`; it wins over what is there. */
export function writeOptionAttributes(
  options: TraceOptions | undefined,
  self: unknown,
  args: ArrayLike<unknown>,
  out: AttributeMap,
): void {
  const attributes = options?.attributes;
  if (attributes === undefined) return;
  Object.assign(out, typeof attributes === 'function' ? attributes(self, args as unknown[]) : attributes);
}

/** Writes what the `resultAttributes` option returns for `result` (or one stream chunk) into `out`. */
export function writeOptionResultAttributes(
  options: TraceOptions | undefined,
  result: unknown,
  self: unknown,
  args: ArrayLike<unknown>,
  out: AttributeMap,
): void {
  const extract = options?.resultAttributes;
  if (extract !== undefined) Object.assign(out, extract(result, self, args as unknown[]));
}
