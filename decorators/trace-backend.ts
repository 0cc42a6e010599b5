import { backendRecipe, type TraceBackendOptions } from '../src/attributes/backend';
import { traceMethod } from '../src/span-builder';
import { type MethodDecorator, methodDecorator } from './dialect';

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
