/**
 * The contracts shared by the session runtime and the backends (issue 4). Kept small on purpose; the runtime
 * modules (session, components, contexts, sampling) and the backends implement them.
 */
import type { GenerativeSlot } from 'mellea-telemetry';

/** One chat message as the backends send it. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Anything a session can act on (Instruction, Message, GenerativeSlot, Requirement judge prompt...). */
export interface Component {
  /** The messages this component contributes to a prompt (after templating). */
  toMessages(): ChatMessage[];
}

/**
 * What a backend generates for: a {@link Component}, or a `GenerativeSlot` from `@generative` (which has no
 * `toMessages()`; `renderMessages` in `prompt.ts` renders it).
 */
export type Action = Component | GenerativeSlot;

/** A generation context: history the backend sees before the action. `size` = number of items. */
export interface GenerationContext {
  readonly size: number;
  /** The history as chat messages, oldest first. */
  messages(): ChatMessage[];
}

/** Token usage, normalised. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
}

/** Options a backend call takes. `format`/`tools`/`toolCalls` feed mellea.has_format / format_type / tool_calls_enabled. */
export interface GenerateOptions {
  /** Declared output format (JSON schema object, Standard-Schema validator, class). */
  readonly format?: unknown;
  /** JSON schema to constrain the output with, when the format can be expressed as one. */
  readonly jsonSchema?: Record<string, unknown>;
  readonly tools?: readonly unknown[];
  readonly toolCalls?: boolean;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly signal?: AbortSignal;
}

/** One model answer. The field names are the ones the backend span conventions read. */
export interface ModelOutput {
  readonly value: string;
  readonly usage?: TokenUsage;
  /** The model that answered (gen_ai.response.model). */
  readonly model?: string;
  /** The response id (gen_ai.response.id). */
  readonly id?: string;
  readonly finishReasons?: readonly string[];
}

/** One chunk of a streamed answer; the first carries id/model, the last usage (conventions read every chunk). */
export interface StreamChunk {
  readonly delta: string;
  readonly model?: string;
  readonly id?: string;
  readonly usage?: TokenUsage;
  readonly finishReasons?: readonly string[];
}

/** An LLM backend. Implementations decorate these methods with `@traceBackend` (via `traceMethods`). */
export interface Backend {
  readonly modelId: string;
  /** One chat completion for `action` after `ctx` → a `chat` span. */
  generateFromContext(action: Action, ctx: GenerationContext, options?: GenerateOptions): Promise<ModelOutput>;
  /** A batch of raw completions, one per action → a `text_completion` span with mellea.num_actions. */
  generateFromRaw(actions: readonly Action[], options?: GenerateOptions): Promise<ModelOutput[]>;
  /** Streams a chat completion → a `chat` span that stays open until the stream ends. */
  streamFromContext?(action: Action, ctx: GenerationContext, options?: GenerateOptions): AsyncGenerator<StreamChunk>;
}
