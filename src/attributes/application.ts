/**
 * Application spans (`mellea.application`): the conventions for a session method `(action, options?)`.
 * Precedence: decorator options > reflect-metadata > these conventions.
 */
import { SpanKind } from '@opentelemetry/api';
import { type AttributeMap, stringify } from '../coerce';
import {
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_MELLEA_BACKEND,
  ATTR_MELLEA_CONTEXT_SIZE,
  ATTR_MELLEA_HAS_FORMAT,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_RESPONSE,
  ATTR_SAMPLING_SUCCESS,
} from '../semconv';
import { state } from '../state';
import type { SpanRecipe } from '../traced-call';
import { truncateResponse } from '../truncate';
import { type TraceOptions, writeOptionAttributes, writeOptionResultAttributes } from './options';
import { asOptions, classNameOf, readProperty, sizeOf } from './read';

/** Options of `@traceApplication`. */
export type TraceApplicationOptions<This = any, Args extends unknown[] = any[]> = TraceOptions<This, Args>;

/** Builds the recipe for an application span named `spanName` on method `label`. */
export function applicationRecipe(spanName: string, label: string, options?: TraceApplicationOptions): SpanRecipe {
  return {
    scope: state.application,
    kind: SpanKind.INTERNAL,
    label,
    spanName: () => spanName,
    startAttributes(self, args, out) {
      writeApplicationConventions(self, args, out);
      writeOptionAttributes(options, self, args, out);
    },
    resultAttributes(result, self, args, out) {
      writeApplicationResult(result, out);
      writeOptionResultAttributes(options, result, self, args, out);
    },
    chunkAttributes: options?.resultAttributes
      ? (chunk, self, args, out) => writeOptionResultAttributes(options, chunk, self, args, out)
      : undefined,
  };
}

/** `mellea.backend`, `mellea.action_type`, `mellea.context_size`, `mellea.has_format` for `this.method(action, options?)`. */
export function writeApplicationConventions(self: unknown, args: ArrayLike<unknown>, out: AttributeMap): void {
  out[ATTR_MELLEA_BACKEND] = classNameOf(readProperty(self, 'backend'));
  const action = args[0];
  if (action !== null && typeof action === 'object') {
    out[ATTR_MELLEA_ACTION_TYPE] = classNameOf(action);
    const options = args.length > 1 ? asOptions(args[args.length - 1]) : undefined;
    const format = options === undefined ? undefined : readProperty(options, 'format');
    out[ATTR_MELLEA_HAS_FORMAT] = format !== undefined && format !== null;
  }
  const ctx = readProperty(self, 'ctx') ?? readProperty(self, 'context');
  out[ATTR_MELLEA_CONTEXT_SIZE] = sizeOf(ctx);
}

/** `sampling_success`, `num_generate_logs` and (content on) `response` from an application method's result. */
export function writeApplicationResult(result: unknown, out: AttributeMap): void {
  if (result === undefined || result === null) return;
  if (typeof result === 'string') {
    out[ATTR_NUM_GENERATE_LOGS] = 1;
    if (state.content) out[ATTR_RESPONSE] = truncateResponse(result);
    return;
  }
  if (typeof result !== 'object') return;
  const success = readProperty(result, 'success');
  if (typeof success === 'boolean') out[ATTR_SAMPLING_SUCCESS] = success;
  const generations = readProperty(result, 'sampleGenerations');
  const text = responseOf(result);
  if (Array.isArray(generations)) out[ATTR_NUM_GENERATE_LOGS] = generations.length;
  else if (text !== undefined) out[ATTR_NUM_GENERATE_LOGS] = 1;
  if (text !== undefined && state.content) out[ATTR_RESPONSE] = truncateResponse(stringify(text));
}

/** The result text: `value`, else `result.value`, else `content` (not stringified: that waits for the content switch). */
function responseOf(result: object): unknown {
  const value = readProperty(result, 'value');
  if (value !== undefined && value !== null) return value;
  const nested = readProperty(readProperty(result, 'result'), 'value');
  if (nested !== undefined && nested !== null) return nested;
  const content = readProperty(result, 'content');
  return content === null ? undefined : content;
}
