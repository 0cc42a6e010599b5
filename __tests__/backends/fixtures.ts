/** Minimal components and a context for the backend tests (the runtime's own live in runtime/). */

import { createTestTracing, type TestTracing, type TestTracingOptions } from 'mellea-telemetry/testing';
import type { ChatMessage, Component, GenerationContext } from '../../runtime/types';

export class UserMessage implements Component {
  constructor(readonly content: string) {}
  toMessages(): ChatMessage[] {
    return [{ role: 'user', content: this.content }];
  }
}

export class History implements GenerationContext {
  constructor(private readonly history: ChatMessage[] = []) {}
  get size(): number {
    return this.history.length;
  }
  messages(): ChatMessage[] {
    return [...this.history];
  }
}

/** The gen_ai.* attributes of a span, for exact comparison (every one asserted, none unexpected). */
export function genAiAttributes(span: { attributes: Record<string, unknown> }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(span.attributes).filter(([key]) => key.startsWith('gen_ai.')));
}

/** In-memory tracing for a test file: reset after each test, shut down at the end. */
export function useTestTracing(options?: TestTracingOptions): TestTracing {
  const tracing = createTestTracing(options);
  afterEach(() => tracing.reset());
  afterAll(() => tracing.shutdown());
  return tracing;
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Consumes a stream, returning its deltas. */
export async function drain(stream: AsyncIterable<{ delta: string }>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const piece of stream) deltas.push(piece.delta);
  return deltas;
}
