/**
 * Application spans (`mellea.application`): the conventions for a session method `(action, options?)`.
 * Precedence: decorator options > reflect-metadata > these conventions.
 */
import { SpanKind } from '@opentelemetry/api';
import { type AttributeMap, stringify } from '../coerce';
import { REDACTION_MARGIN } from '../content/record';
import {
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_MELLEA_BACKEND,
  ATTR_MELLEA_CONTEXT_SIZE,
  ATTR_MELLEA_HAS_FORMAT,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_RESPONSE,
  ATTR_SAMPLING_SUCCESS,
  RESPONSE_MAX_CODE_POINTS,
} from '../semconv';
import { state } from '../state';
import type { SpanRecipe } from '../traced-call';
import { truncateResponse } from '../truncate';
import { type EvaluationReader, evaluationEvents, evaluationReaderFor, writeEvaluationAttributes } from './evaluation';
import { type TraceOptions, writeOptionAttributes, writeOptionResultAttributes } from './options';
import { asOptions, classNameOf, readProperty, sizeOf } from './read';

/** Options of `@traceApplication`. */
export interface TraceApplicationOptions<This = any, Args extends unknown[] = any[]> extends TraceOptions<This, Args> {
  /**
   * Reads a check's outcome from the result, for a `gen_ai.evaluation.result` event and
   * `mellea.requirement.passed`. Default: for `requirement_validation` spans, the result's `passed`,
   * `requirement.description` and `reason`.
   */
  evaluation?: EvaluationReader<This, Args>;
}

/** Builds the recipe for an application span named `spanName` on method `label`. */
export function applicationRecipe(spanName: string, label: string, options?: TraceApplicationOptions): SpanRecipe {
  const evaluation = evaluationReaderFor(spanName, options?.evaluation);
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
      if (evaluation !== undefined) writeEvaluationAttributes(evaluation(result, self, args as unknown[]), out);
      writeOptionResultAttributes(options, result, self, args, out);
    },
    resultEvents:
      evaluation === undefined
        ? undefined
        : (result, self, args) => evaluationEvents(evaluation(result, self, args as unknown[])),
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

// `response` is cut to its bound after the redactor has seen it (src/content/record.ts); this first cut only
// keeps the redactor's input small, with a margin so that no secret is cut in two before it is redacted.
const RESPONSE_CUT = RESPONSE_MAX_CODE_POINTS + REDACTION_MARGIN;

/** `sampling_success`, `num_generate_logs` and (content on) `response` from an application method's result. */
export function writeApplicationResult(result: unknown, out: AttributeMap): void {
  if (result === undefined || result === null) return;
  if (typeof result === 'string') {
    out[ATTR_NUM_GENERATE_LOGS] = 1;
    if (state.content) out[ATTR_RESPONSE] = truncateResponse(result, RESPONSE_CUT);
    return;
  }
  if (typeof result !== 'object') return;
  const success = readProperty(result, 'success');
  if (typeof success === 'boolean') out[ATTR_SAMPLING_SUCCESS] = success;
  const generations = readProperty(result, 'sampleGenerations');
  const text = responseOf(result);
  if (Array.isArray(generations)) out[ATTR_NUM_GENERATE_LOGS] = generations.length;
  else if (text !== undefined) out[ATTR_NUM_GENERATE_LOGS] = 1;
  if (text !== undefined && state.content) out[ATTR_RESPONSE] = truncateResponse(stringify(text), RESPONSE_CUT);
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
