/**
 * The shapes measured: an Ollama-like backend (`chat(action, ctx, options)` resolving to a model output with
 * usage, model, id, finish reasons and a 2,000-character response) and a session whose `act` calls it — the
 * calls the conventions read. Methods do no work of their own, so every nanosecond above "bare" is tracing.
 */

export class Instruction {
  constructor(readonly description: string) {}
}

export class ChatContext {
  constructor(readonly items: unknown[] = []) {}
  get size(): number {
    return this.items.length;
  }
}

export class JsonFormat {}

/** 2,000 characters of plain text (no surrogate pairs, like most model answers). */
export const RESPONSE_TEXT = 'The capital of France is Paris. '.repeat(63).slice(0, 2000);

export interface ModelOutput {
  value: string;
  usage: { inputTokens: number; outputTokens: number };
  model: string;
  id: string;
  finishReasons: string[];
}

/** One shared answer: every row returns the same object, so allocation differs only by what tracing adds. */
export const MODEL_OUTPUT: ModelOutput = {
  value: RESPONSE_TEXT,
  usage: { inputTokens: 150, outputTokens: 42 },
  model: 'granite4.1:3b-q4',
  id: 'resp-1',
  finishReasons: ['stop'],
};

export interface ChatOptions {
  format?: unknown;
  tools?: unknown[];
}

export interface Backend {
  readonly modelId: string;
  chat(action: Instruction, ctx: ChatContext, options?: ChatOptions): Promise<ModelOutput>;
  /** The same call answered synchronously (a cached or local model): the sync path of the span builder. */
  chatSync(action: Instruction, ctx: ChatContext, options?: ChatOptions): ModelOutput;
  countTokens(text: string): number;
}

/** A fresh, undecorated backend class (each variant gets its own, since decorating rewrites the prototype). */
export function ollamaBackendClass(): new () => Backend {
  return class OllamaModelBackend implements Backend {
    readonly modelId = 'granite4.1:3b';
    async chat(_action: Instruction, _ctx: ChatContext, _options?: ChatOptions): Promise<ModelOutput> {
      return MODEL_OUTPUT;
    }
    chatSync(_action: Instruction, _ctx: ChatContext, _options?: ChatOptions): ModelOutput {
      return MODEL_OUTPUT;
    }
    countTokens(text: string): number {
      return text.length >> 2;
    }
  };
}

export interface ActResult {
  value: string;
  success: boolean;
  sampleGenerations: ModelOutput[];
}

export interface Session {
  readonly backend: Backend;
  readonly ctx: ChatContext;
  act(action: Instruction, options?: ChatOptions): Promise<ActResult>;
}

/** A fresh, undecorated session class whose `act` asks its backend once. */
export function sessionClass(): new (backend: Backend, ctx: ChatContext) => Session {
  return class MelleaSession implements Session {
    constructor(
      readonly backend: Backend,
      readonly ctx: ChatContext,
    ) {}
    async act(action: Instruction, options?: ChatOptions): Promise<ActResult> {
      const output = await this.backend.chat(action, this.ctx, options);
      return { value: output.value, success: true, sampleGenerations: [output] };
    }
  };
}

/** The arguments every row passes. */
export const ACTION = new Instruction('What is the capital of France?');
export const CONTEXT = new ChatContext(['system prompt', 'earlier turn', 'earlier answer']);
export const OPTIONS: ChatOptions = { format: JsonFormat, tools: [] };
