/**
 * The one place where spans are opened, filled and ended. Every decorator is a thin adapter over
 * {@link traceMethod} / {@link runTraced}; nothing else calls `span.end()`.
 */
import { context, ProxyTracerProvider, type Span, trace } from '@opentelemetry/api';
import { observeCall } from './call-observer';
import { preserveIdentity } from './function-identity';
import { metrics } from './metrics/metrics-state';
import { settle } from './result-handlers';
import { BACKEND_TRACER_NAME } from './semconv';
import { type SpanRecipe, TracedCall } from './traced-call';
import { describeError, warnOnce } from './warnings';

/** A tracer whose spans are never recorded, whatever global provider is registered (a proxy without delegate). */
const NON_RECORDING_TRACER = new ProxyTracerProvider().getTracer('mellea.metrics-only');

/**
 * Wraps `original` so each call runs in a span described by `recipe`. When the recipe's scope is disabled the
 * wrapper checks one flag and calls straight through.
 */
export function traceMethod<F extends Function>(original: F, recipe: SpanRecipe, spanName?: string): F {
  const scope = recipe.scope;
  // Only backend calls have metrics of their own: with tracing off, the other scopes stay a pass-through.
  const metered = scope.name === BACKEND_TRACER_NAME;
  const traced = function (this: unknown): unknown {
    if (!scope.enabled && (!metered || metrics.recorder === undefined)) return original.apply(this, arguments);
    return runTraced(recipe, original, this, arguments);
  };
  preserveIdentity(traced, original, { scope: scope.name, spanName });
  return traced as unknown as F;
}

/** Runs `original` with `self` and `args` inside a new span of `recipe`'s scope, active for the call. */
export function runTraced(recipe: SpanRecipe, original: Function, self: unknown, args: ArrayLike<unknown>): unknown {
  const parent = context.active();
  let span: Span;
  try {
    // Metrics on, tracing off: the call is observed through a span nobody records.
    const tracer = recipe.scope.enabled ? recipe.scope.tracer : NON_RECORDING_TRACER;
    span = tracer.startSpan(recipe.spanName(args, self), { kind: recipe.kind }, parent);
  } catch (error) {
    warnOnce(`span:start:${recipe.label}`, `could not start a span for ${recipe.label}: ${describeError(error)}`);
    return original.apply(self, args);
  }
  const call = new TracedCall(span, recipe, self, args, trace.setSpan(parent, span), observeCall(recipe, self, span));
  if (call.recording) call.recordStart();
  let result: unknown;
  try {
    result = context.with(call.context, invoke, undefined, original, self, args);
  } catch (error) {
    call.fail(error);
    throw error;
  }
  return settle(call, result);
}

function invoke(fn: Function, self: unknown, args: ArrayLike<unknown>): unknown {
  return fn.apply(self, args);
}
