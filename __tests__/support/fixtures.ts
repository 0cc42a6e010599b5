/** Small session/backend shapes used across the core tests (plain classes; tests decorate their own). */

export class Instruction {
  constructor(readonly description: string) {}
}

export class Message {
  constructor(
    readonly role: string,
    readonly content: string,
  ) {}
}

export class ChatContext {
  constructor(readonly items: unknown[] = []) {}
  get size(): number {
    return this.items.length;
  }
}

export class JsonFormat {}

/** A model answer in the field names the backend conventions read. */
export function modelOutput(value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    value,
    usage: { inputTokens: 150, outputTokens: 42 },
    model: 'granite4.1:3b-q4',
    id: 'resp-1',
    finishReasons: ['stop'],
    ...extra,
  };
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
