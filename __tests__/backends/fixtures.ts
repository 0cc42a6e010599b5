/** Minimal components and a context for the backend tests (the runtime's own live in src/runtime). */
import type { ChatMessage, Component, GenerationContext } from '../../src/runtime/types';

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
