import { applicationRecipe, type TraceApplicationOptions } from '../src/attributes/application';
import { traceMethod } from '../src/span-builder';
import { type MethodDecorator, methodDecorator } from './dialect';

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
