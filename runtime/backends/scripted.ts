/**
 * An offline, deterministic backend for examples and tests. It runs no model: it answers from a script you
 * give it, else by simple rules (see `scripted-rules.ts`), and reports realistic usage so the backend spans
 * look like a real server's. Decorated with this package's `traceBackend` (via `traceMethods`).
 */
import {
  backendInfo,
  GenerativeSlot,
  OPERATION_CHAT,
  OPERATION_TEXT_COMPLETION,
  traceBackend,
  traceMethods,
} from 'mellea-telemetry';
import { Instruction, Message } from '../components';
import { jsonSchemaOf } from '../format';
import { actionMessages, renderMessages, renderPrompt } from '../prompt';
import { Requirement } from '../requirement';
import type {
  Action,
  Backend,
  ChatMessage,
  GenerateOptions,
  GenerationContext,
  ModelOutput,
  StreamChunk,
  TokenUsage,
} from '../types';
import { chatReply, hintsFor, judge, valueForSchema } from './scripted-rules';

/**
 * One scripted answer: which prompts it answers and what it says.
 *
 * @example
 * { match: /haiku/, reply: ['A first try', 'Tea leaves unfold'] }
 */
export interface ScriptEntry {
  /** Matched against the action's own prompt (not the history): a substring, a RegExp, or a predicate. */
  readonly match: string | RegExp | ((prompt: string, action: Action) => boolean);
  /**
   * The answer. An array is answered in turn, one item per matching call (the last item repeats) — the way to
   * script a first attempt that fails validation and a retry that passes.
   */
  readonly reply: string | readonly string[] | ((prompt: string, action: Action) => string);
}

/** Options of {@link ScriptedBackend}. */
export interface ScriptedBackendOptions {
  /** The model id reported as `gen_ai.request.model` / `gen_ai.response.model`. Default `scripted-1`. */
  readonly modelId?: string;
  /** Scripted answers, tried in order before the built-in rules. */
  readonly script?: readonly ScriptEntry[];
}

/** Characters per token of the usage estimate (the usual rule of thumb for English text). */
export const CHARS_PER_TOKEN = 4;
/** Tokens a chat message costs beyond its text (role and separators), as chat templates do. */
export const TOKENS_PER_MESSAGE = 4;

/**
 * A backend that answers offline and deterministically — honestly named: nothing here is a model.
 *
 * Without a script entry it answers: a requirement judge question with "Yes."/"No." by a few checks (word limits,
 * "mention X", "start with X", lower case; anything else passes); a formatted request with JSON built from the
 * JSON schema (sentiment words → `positive`/`negative`, capitalised names → entities); a `@generative` call
 * without a schema with the sentiment or the entity list; a chat message with a stock reply. Usage is ≈ 4
 * characters per token of the rendered prompt and answer plus 4 per message; ids are `scripted-1`,
 * `scripted-2`…; the finish reason is `stop`, or `length` when `maxTokens` cut the answer.
 *
 * @example
 * const backend = new ScriptedBackend({
 *   script: [{ match: /haiku/, reply: ['A first try that fails', 'Tea leaves unfold slow'] }],
 * });
 * const session = new Session(backend);
 */
export class ScriptedBackend implements Backend {
  readonly modelId: string;
  private readonly script: readonly ScriptEntry[];
  private readonly entryUses: number[];
  private responses = 0;

  constructor(options: ScriptedBackendOptions = {}) {
    this.modelId = options.modelId ?? 'scripted-1';
    this.script = options.script ?? [];
    this.entryUses = this.script.map(() => 0);
  }

  /** How many answers this backend has given. */
  get calls(): number {
    return this.responses;
  }

  /** One chat answer for `action` after `ctx` (a `chat` span). */
  async generateFromContext(action: Action, ctx: GenerationContext, options?: GenerateOptions): Promise<ModelOutput> {
    return this.answer(action, renderMessages(action, ctx), options);
  }

  /** One answer per action, each without history (a `text_completion` span with `mellea.num_actions`). */
  async generateFromRaw(actions: readonly Action[], options?: GenerateOptions): Promise<ModelOutput[]> {
    return actions.map((action) => this.answer(action, [{ role: 'user', content: renderPrompt(action) }], options));
  }

  /** The chat answer as word chunks: id and model on the first, usage and finish reason on the last. */
  async *streamFromContext(
    action: Action,
    ctx: GenerationContext,
    options?: GenerateOptions,
  ): AsyncGenerator<StreamChunk> {
    const output = this.answer(action, renderMessages(action, ctx), options);
    const pieces = output.value.match(/\S+\s*|\s+/g) ?? [''];
    for (let index = 0; index < pieces.length; index++) {
      yield index === 0 ? { delta: pieces[0]!, id: output.id, model: output.model } : { delta: pieces[index]! };
    }
    yield { delta: '', usage: output.usage, finishReasons: output.finishReasons };
  }

  private answer(action: Action, messages: readonly ChatMessage[], options: GenerateOptions | undefined): ModelOutput {
    let text = this.replyFor(action, messages, options);
    let finishReason = 'stop';
    const maxTokens = options?.maxTokens;
    if (maxTokens !== undefined && tokensOf(text) > maxTokens) {
      text = text.slice(0, Math.max(0, maxTokens * CHARS_PER_TOKEN));
      finishReason = 'length';
    }
    const inputTokens = messages.reduce((sum, message) => sum + tokensOf(message.content) + TOKENS_PER_MESSAGE, 0);
    const outputTokens = tokensOf(text);
    const usage: TokenUsage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
    this.responses++;
    return { value: text, usage, model: this.modelId, id: `scripted-${this.responses}`, finishReasons: [finishReason] };
  }

  private replyFor(action: Action, messages: readonly ChatMessage[], options: GenerateOptions | undefined): string {
    const prompt = renderPrompt(action);
    const scripted = this.scriptedReply(prompt, action);
    if (scripted !== undefined) return scripted;
    if (action instanceof Requirement) {
      const output = [...messages].reverse().find((message) => message.role === 'assistant')?.content ?? '';
      return judge(action.description, output);
    }
    const hints = hintsFor(requestText(action));
    const schema = options?.jsonSchema ?? jsonSchemaOf(options?.format ?? formatOf(action));
    if (schema !== undefined) return JSON.stringify(valueForSchema(schema, hints));
    if (action instanceof GenerativeSlot) {
      const task = `${action.name} ${action.description}`.toLowerCase();
      const answer = task.includes('entit')
        ? hints.entities.join(', ')
        : task.includes('sentiment')
          ? hints.sentiment
          : `scripted answer for ${action.name}`;
      return options?.format === undefined ? answer : JSON.stringify(answer);
    }
    if (action instanceof Message) return chatReply(action.content, messages.length - actionMessages(action).length);
    if (action instanceof Instruction) return `A scripted answer to: ${action.description.split('\n')[0]}`;
    return 'A scripted answer.';
  }

  private scriptedReply(prompt: string, action: Action): string | undefined {
    const index = this.script.findIndex((entry) => matches(entry.match, prompt, action));
    if (index < 0) return undefined;
    const entry = this.script[index]!;
    const use = this.entryUses[index]!;
    this.entryUses[index] = use + 1;
    if (typeof entry.reply === 'function') return entry.reply(prompt, action);
    if (typeof entry.reply === 'string') return entry.reply;
    const replies = entry.reply as readonly string[];
    return replies[Math.min(use, replies.length - 1)] ?? '';
  }
}

traceMethods(ScriptedBackend, {
  generateFromContext: traceBackend(OPERATION_CHAT),
  generateFromRaw: traceBackend(OPERATION_TEXT_COMPLETION),
  streamFromContext: traceBackend(OPERATION_CHAT),
});
backendInfo({ system: 'scripted' })(ScriptedBackend);

function matches(match: ScriptEntry['match'], prompt: string, action: Action): boolean {
  if (typeof match === 'string') return prompt.includes(match);
  if (match instanceof RegExp) {
    match.lastIndex = 0;
    return match.test(prompt);
  }
  return match(prompt, action);
}

function tokensOf(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The text a rule-based answer is about: a slot's string arguments, an instruction's description, a message. */
function requestText(action: Action): string {
  if (action instanceof GenerativeSlot) {
    return Object.values(action.args)
      .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
      .join('\n');
  }
  if (action instanceof Instruction) return action.description;
  if (action instanceof Message) return action.content;
  return renderPrompt(action);
}

function formatOf(action: Action): unknown {
  return action instanceof GenerativeSlot || action instanceof Instruction ? action.format : undefined;
}
