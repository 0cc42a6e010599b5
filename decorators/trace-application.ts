import { applicationRecipe, type TraceApplicationOptions } from '../src/attributes/application';
import { traceMethod } from '../src/span-builder';
import { type MethodDecorator, methodDecorator } from './dialect';
import { checkFunction, type ThisOf } from './function-form';

/**
 * Traces a session method as an application span (tracer `mellea.application`), active while the method runs
 * so that calls made inside nest beneath it. Attributes follow the spec's application table: for
 * `this.method(action, options?)`, `mellea.backend` (class of `this.backend`), `mellea.action_type` (class of
 * `action`), `mellea.context_size` (`this.ctx.size`/`length`), `mellea.has_format`; from the result
 * `sampling_success`, `num_generate_logs` and `response` (≤ 500 code points).
 *
 * @param name - the span name; default: the method name.
 * @param options - extra or overriding attributes.
 * @example
 * class Session {
 *   @traceApplication('aact')
 *   async act(action: Instruction, options?: { format?: unknown }) { ... }
 * }
 */
export function traceApplication(name?: string, options?: TraceApplicationOptions): MethodDecorator {
  return methodDecorator('traceApplication', ({ original, name: methodName }) => {
    const spanName = name ?? methodName;
    return traceMethod(original, applicationRecipe(spanName, methodName, options), spanName);
  });
}

/**
 * The function form of `@traceApplication`, for plain and arrow functions: the same span, the same attributes
 * (`this` is the call's own, usually undefined). Returns a function of the same signature; `this` and the
 * arguments are passed through; with the scope off it checks one flag and calls `fn`.
 *
 * @param name - the span name (`session_context`, `aact`, …).
 * @example
 * const answer = traceApplication.fn('aact', async (action: Instruction) => backend.generate(action));
 * await answer(new Instruction('Summarise the report')); // one aact span, mellea.action_type=Instruction
 */
traceApplication.fn = function traceApplicationFunction<F extends (...args: any[]) => any>(
  name: string,
  fn: F,
  options?: TraceApplicationOptions<ThisOf<F>, Parameters<F>>,
): F {
  checkFunction('traceApplication.fn', fn);
  return traceMethod(fn, applicationRecipe(name, fn.name || name, options as TraceApplicationOptions), name);
};
