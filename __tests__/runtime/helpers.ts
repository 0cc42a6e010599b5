/** Small helpers for the runtime tests: parent links and token estimates as the ScriptedBackend computes them. */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ChatMessage } from 'mellea-telemetry/runtime';

/** The parent span of `span` among `spans` (undefined for a root). */
export function parentOf(span: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan | undefined {
  const parentId = span.parentSpanContext?.spanId;
  return spans.find((candidate) => candidate.spanContext().spanId === parentId);
}

/** The children of `span` among `spans`, in start order. */
export function childrenOf(span: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan[] {
  const id = span.spanContext().spanId;
  return spans
    .filter((candidate) => candidate.parentSpanContext?.spanId === id)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}

/** Input tokens the ScriptedBackend reports for these messages: ⌈chars / 4⌉ + 4 per message. */
export function expectedInputTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + Math.ceil(message.content.length / 4) + 4, 0);
}

/** Output tokens the ScriptedBackend reports for an answer: ⌈chars / 4⌉. */
export function expectedOutputTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
