/**
 * Generation contexts: the history a backend sees before an action. Both are immutable: `add()` returns a new
 * context (the session keeps the latest in `session.ctx`), so a context passed to a backend call never changes
 * under it. `size` is the number of items (`mellea.context_size`).
 */
import { actionMessages } from './prompt';
import type { Action, ChatMessage, GenerationContext } from './types';

/** A context the session can extend with the action and its answer. */
export interface Context extends GenerationContext {
  /** The items, oldest first: actions and the model's answers (assistant `Message`s). */
  readonly items: readonly Action[];
  /** A context with `items` appended. */
  add(...items: Action[]): Context;
}

/**
 * No history: every action is generated on its own. `size` is always 0 and `add()` returns the same context.
 *
 * @example
 * new SimpleContext().add(new Message('user', 'hi')).size; // 0
 */
export class SimpleContext implements Context {
  readonly size = 0;
  readonly items: readonly Action[] = Object.freeze([]);

  messages(): ChatMessage[] {
    return [];
  }

  add(): Context {
    return this;
  }
}

/** Options of {@link ChatContext}. */
export interface ChatContextOptions {
  /** Keep at most this many items (the oldest are dropped). Default: no limit. */
  readonly window?: number;
}

/**
 * A sliding window of the last `window` items (actions and answers). `size` is the number of items kept, which
 * is also what the backend sees.
 *
 * @example
 * let ctx: Context = new ChatContext({ window: 2 });
 * ctx = ctx.add(new Message('user', 'a'), new Message('assistant', 'b'), new Message('user', 'c'));
 * ctx.size; // 2 (b and c)
 */
export class ChatContext implements Context {
  readonly window: number;
  readonly items: readonly Action[];
  readonly size: number;

  constructor(options: ChatContextOptions = {}, items: readonly Action[] = []) {
    const window = options.window ?? Number.POSITIVE_INFINITY;
    if (!(window >= 1) || (Number.isFinite(window) && !Number.isInteger(window))) {
      throw new RangeError(`ChatContext window must be a positive integer, got ${String(options.window)}`);
    }
    this.window = window;
    this.items = Object.freeze(items.length > window ? items.slice(items.length - window) : [...items]);
    this.size = this.items.length;
  }

  messages(): ChatMessage[] {
    return this.items.flatMap((item) => actionMessages(item));
  }

  add(...items: Action[]): ChatContext {
    return new ChatContext({ window: this.window }, [...this.items, ...items]);
  }
}
