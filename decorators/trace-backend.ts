import { backendRecipe, type TraceBackendOptions } from '../src/attributes/backend';
import { traceMethod } from '../src/span-builder';
import { type MethodDecorator, methodDecorator } from './dialect';
import { checkFunction, type ThisOf } from './function-form';

/**
 * Traces an LLM backend method as a backend span (tracer `mellea.backend`, kind CLIENT) following the
 * OpenTelemetry Gen-AI conventions: `gen_ai.system` (declared, or from the class name), `gen_ai.request.model`
 * (`this.modelId`/`this.model`), `gen_ai.operation.name`, the `mellea.*` context attributes, and from the
 * result (or a stream's chunks) usage, response model, id and finish reasons.
 *
 * @param operation - `'chat'` for `(action, ctx, options?)`, `'text_completion'` for `(actions[], options?)`;
 *   default: inferred per call (an array first argument means `text_completion`). Also the span name.
 * @example
 * class OllamaModelBackend {
 *   modelId = 'granite4.1:3b';
 *   @traceBackend('chat')
 *   async generateFromContext(action: Message, ctx: ChatContext) { ... }
 * }
 */
export function traceBackend(operation?: string, options?: TraceBackendOptions): MethodDecorator {
  return methodDecorator('traceBackend', ({ original, name }) =>
    traceMethod(original, backendRecipe(operation, name, options), operation),
  );
}

/**
 * The function form of `@traceBackend`, for plain and arrow functions: the same span and attributes. A function
 * has no `this.modelId` or class name, so pass `system` and `model` in the options (or call it with a `this`
 * that has them). Returns a function of the same signature; with the scope off it checks one flag and calls `fn`.
 *
 * @param operation - `'chat'`, `'text_completion'`, or undefined to infer it per call.
 * @example
 * const chat = traceBackend.fn('chat', (messages: Message[], ctx: ChatContext) => client.chat(messages), {
 *   system: 'ollama',
 *   model: 'granite4.1:3b',
 * });
 */
traceBackend.fn = function traceBackendFunction<F extends (...args: any[]) => any>(
  operation: string | undefined,
  fn: F,
  options?: TraceBackendOptions<ThisOf<F>, Parameters<F>>,
): F {
  checkFunction('traceBackend.fn', fn);
  return traceMethod(
    fn,
    backendRecipe(operation, fn.name || operation || 'function', options as TraceBackendOptions),
    operation,
  );
};
