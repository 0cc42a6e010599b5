/**
 * The baseline: what a careful user would hand-write over the raw OpenTelemetry API — `startActiveSpan`, exactly
 * the attributes the decorators set for the same call (written only when the span is recording; the `cpu` group
 * checks the names match), ERROR on failure, `end()` in `finally`. `aact` includes the 500-character cut of the
 * 2,000-character response, as `@traceApplication` records it.
 */
import { type Attributes, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_TOTAL_TOKENS,
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_MELLEA_BACKEND,
  ATTR_MELLEA_CONTEXT_SIZE,
  ATTR_MELLEA_FORMAT_TYPE,
  ATTR_MELLEA_HAS_FORMAT,
  ATTR_MELLEA_TOOL_CALLS_ENABLED,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_RESPONSE,
  ATTR_SAMPLING_SUCCESS,
} from '../../src/semconv';
import type { ActResult, Backend, ChatContext, ChatOptions, Instruction, ModelOutput, Session } from './fixtures';

/** The tracer the raw wrappers use; rows point it at the sampled-in or the sampled-out provider. */
export const rawScope: { tracer: Tracer } = { tracer: trace.getTracer('bench.raw') };

const RESPONSE_LIMIT = 500;

function recordError(
  span: { recordException(error: Error): void; setStatus(status: { code: SpanStatusCode }): void },
  error: unknown,
): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** The backend conventions known at the start of `chat`, exactly as `@traceBackend` writes them. */
function chatStartAttributes(self: Backend, action: Instruction, ctx: ChatContext, options?: ChatOptions): Attributes {
  const format = options?.format as { name?: string } | undefined;
  return {
    [ATTR_GEN_AI_SYSTEM]: 'ollama',
    [ATTR_GEN_AI_REQUEST_MODEL]: self.modelId,
    [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
    [ATTR_MELLEA_BACKEND]: self.constructor.name,
    [ATTR_MELLEA_ACTION_TYPE]: action.constructor.name,
    [ATTR_MELLEA_CONTEXT_SIZE]: ctx.size,
    [ATTR_MELLEA_HAS_FORMAT]: format != null,
    [ATTR_MELLEA_FORMAT_TYPE]: format?.name,
    [ATTR_MELLEA_TOOL_CALLS_ENABLED]: (options?.tools?.length ?? 0) > 0,
  };
}

/** The result attributes of `chat` (usage, model, id, finish reasons): `@traceBackend` records no `response`. */
function chatResultAttributes(output: ModelOutput): Attributes {
  const { inputTokens, outputTokens } = output.usage;
  return {
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: inputTokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: outputTokens,
    [ATTR_GEN_AI_USAGE_TOTAL_TOKENS]: inputTokens + outputTokens,
    [ATTR_GEN_AI_RESPONSE_MODEL]: output.model,
    [ATTR_GEN_AI_RESPONSE_ID]: output.id,
    [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: output.finishReasons,
  };
}

/** `chat` traced by hand: the backend conventions, the same attribute set as the decorator. */
export function rawTracedChat(original: Backend['chat']): Backend['chat'] {
  return function (this: Backend, action: Instruction, ctx: ChatContext, options?: ChatOptions): Promise<ModelOutput> {
    return rawScope.tracer.startActiveSpan('chat', { kind: SpanKind.CLIENT }, async (span) => {
      if (span.isRecording()) span.setAttributes(chatStartAttributes(this, action, ctx, options));
      try {
        const output = await original.call(this, action, ctx, options);
        if (span.isRecording()) span.setAttributes(chatResultAttributes(output));
        return output;
      } catch (error) {
        recordError(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  };
}

/** The sync `chatSync` traced by hand, likewise. */
export function rawTracedChatSync(original: Backend['chatSync']): Backend['chatSync'] {
  return function (this: Backend, action: Instruction, ctx: ChatContext, options?: ChatOptions): ModelOutput {
    return rawScope.tracer.startActiveSpan('chat', { kind: SpanKind.CLIENT }, (span) => {
      if (span.isRecording()) span.setAttributes(chatStartAttributes(this, action, ctx, options));
      try {
        const output = original.call(this, action, ctx, options);
        if (span.isRecording()) span.setAttributes(chatResultAttributes(output));
        return output;
      } catch (error) {
        recordError(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  };
}

/** `act` traced by hand: the application conventions and the truncated response. */
export function rawTracedAct(original: Session['act']): Session['act'] {
  return function (this: Session, action: Instruction, options?: ChatOptions): Promise<ActResult> {
    return rawScope.tracer.startActiveSpan('aact', async (span) => {
      if (span.isRecording()) {
        span.setAttributes({
          [ATTR_MELLEA_BACKEND]: this.backend.constructor.name,
          [ATTR_MELLEA_ACTION_TYPE]: action.constructor.name,
          [ATTR_MELLEA_HAS_FORMAT]: options?.format != null,
          [ATTR_MELLEA_CONTEXT_SIZE]: this.ctx.size,
        });
      }
      try {
        const result = await original.call(this, action, options);
        if (span.isRecording()) {
          span.setAttributes({
            [ATTR_SAMPLING_SUCCESS]: result.success,
            [ATTR_NUM_GENERATE_LOGS]: result.sampleGenerations.length,
            [ATTR_RESPONSE]: result.value.slice(0, RESPONSE_LIMIT),
          });
        }
        return result;
      } catch (error) {
        recordError(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  };
}

/** The raw API's floor: `startActiveSpan` and `end`, no attributes. */
export function rawSpanOnly(original: Backend['chat']): Backend['chat'] {
  return function (this: Backend, action: Instruction, ctx: ChatContext, options?: ChatOptions): Promise<ModelOutput> {
    return rawScope.tracer.startActiveSpan('chat', async (span) => {
      try {
        return await original.call(this, action, ctx, options);
      } finally {
        span.end();
      }
    });
  };
}
