/**
 * A stream's output messages: the concatenation of its deltas, bounded. One accumulator per streamed call,
 * fed every chunk; it is turned into messages (and serialised) once, when the span ends.
 *
 * Chunk shapes read: OpenAI `chat.completion.chunk` (`choices[].delta` with content and tool-call fragments,
 * `finish_reason`), Anthropic stream events (`message_start`, `content_block_start`/`_delta`, `message_delta`),
 * Ollama chat chunks (`message`, `done_reason`), the runtime's `{ delta, finishReasons }`, and plain strings.
 */
import { readProperty } from '../attributes/read';
import { finishReason, type MessagePart, type OutputMessage, parsedArguments, toolCallPart } from './messages';

interface TextBlock {
  kind: 'text';
  text: string;
}

interface ToolBlock {
  kind: 'tool';
  id: string;
  name: string;
  /** Argument fragments (OpenAI's `arguments`, Anthropic's `partial_json`), joined. */
  args: string;
  /** Arguments given whole (Anthropic's `input` at block start, Ollama's object). */
  input: unknown;
}

interface Choice {
  role: string;
  reason: unknown;
  /** In arrival order of their keys: `text`, `tool:<index>`, `block:<index>`. */
  readonly blocks: Map<string, TextBlock | ToolBlock>;
}

/** The deltas of one streamed call, kept up to `capacity` UTF-16 units in total (the rest is counted, not kept). */
export class StreamedMessages {
  private readonly choices = new Map<number, Choice>();
  private kept = 0;
  private toolCount = 0;

  constructor(private readonly capacity: number) {}

  /** Reads one chunk. Unknown shapes are ignored. */
  add(chunk: unknown): void {
    if (typeof chunk === 'string') {
      this.appendText(this.choice(0), 'text', chunk);
      return;
    }
    if (chunk === null || typeof chunk !== 'object') return;
    const choices = readProperty(chunk, 'choices');
    if (Array.isArray(choices)) {
      for (const entry of choices) this.addOpenAIChoice(entry);
      return;
    }
    const type = readProperty(chunk, 'type');
    if (typeof type === 'string' && (type.startsWith('message_') || type.startsWith('content_block_'))) {
      this.addAnthropicEvent(type, chunk);
      return;
    }
    const message = readProperty(chunk, 'message');
    if (message !== null && typeof message === 'object') {
      this.addOllamaChunk(message, readProperty(chunk, 'done_reason'));
      return;
    }
    const delta = readProperty(chunk, 'delta') ?? readProperty(chunk, 'textDelta');
    const choice = this.choice(0);
    if (typeof delta === 'string') this.appendText(choice, 'text', delta);
    const reasons = readProperty(chunk, 'finishReasons') ?? readProperty(chunk, 'finishReason');
    const reason = Array.isArray(reasons) ? reasons[0] : reasons;
    if (typeof reason === 'string') choice.reason = reason;
  }

  /** The messages so far, in the conventions' shape (undefined when no chunk carried a message). */
  toOutputMessages(): OutputMessage[] | undefined {
    if (this.choices.size === 0) return undefined;
    const indexes = [...this.choices.keys()].sort((a, b) => a - b);
    return indexes.map((index) => {
      const choice = this.choices.get(index)!;
      const parts: MessagePart[] = [];
      for (const block of choice.blocks.values()) {
        if (block.kind === 'text') {
          if (block.text !== '') parts.push({ type: 'text', content: block.text });
        } else {
          parts.push({
            type: 'tool_call',
            id: block.id,
            name: block.name,
            arguments: block.args !== '' ? parsedArguments(block.args) : (block.input ?? null),
          });
        }
      }
      return { role: choice.role, parts, finish_reason: finishReason(choice.reason, parts) };
    });
  }

  private addOpenAIChoice(entry: unknown): void {
    const index = readProperty(entry, 'index');
    const choice = this.choice(typeof index === 'number' ? index : 0);
    const delta = readProperty(entry, 'delta');
    const role = readProperty(delta, 'role');
    if (typeof role === 'string' && role !== '') choice.role = role;
    const content = readProperty(delta, 'content');
    if (typeof content === 'string') this.appendText(choice, 'text', content);
    const calls = readProperty(delta, 'tool_calls');
    if (Array.isArray(calls)) {
      for (const call of calls) {
        const callIndex = readProperty(call, 'index');
        const block = this.toolBlock(choice, `tool:${typeof callIndex === 'number' ? callIndex : 0}`);
        const id = readProperty(call, 'id');
        if (typeof id === 'string') block.id = id;
        const fn = readProperty(call, 'function');
        const name = readProperty(fn, 'name');
        if (typeof name === 'string') block.name += name;
        const args = readProperty(fn, 'arguments');
        if (typeof args === 'string') block.args = this.bounded(block.args, args);
      }
    }
    const reason = readProperty(entry, 'finish_reason');
    if (typeof reason === 'string') choice.reason = reason;
  }

  private addAnthropicEvent(type: string, event: object): void {
    const choice = this.choice(0);
    const index = readProperty(event, 'index');
    const key = `block:${typeof index === 'number' ? index : 0}`;
    if (type === 'message_start') {
      const role = readProperty(readProperty(event, 'message'), 'role');
      if (typeof role === 'string') choice.role = role;
    } else if (type === 'content_block_start') {
      const block = readProperty(event, 'content_block');
      const blockType = readProperty(block, 'type');
      if (blockType === 'text') {
        const text = readProperty(block, 'text');
        this.appendText(choice, key, typeof text === 'string' ? text : '');
      } else if (blockType === 'tool_use') {
        const tool = this.toolBlock(choice, key);
        const id = readProperty(block, 'id');
        const name = readProperty(block, 'name');
        if (typeof id === 'string') tool.id = id;
        if (typeof name === 'string') tool.name = name;
        const input = readProperty(block, 'input');
        // The SDK sends `input: {}` at the start and the real arguments as partial_json deltas.
        if (input !== null && typeof input === 'object' && Object.keys(input).length > 0) tool.input = input;
      }
    } else if (type === 'content_block_delta') {
      const delta = readProperty(event, 'delta');
      const text = readProperty(delta, 'text');
      if (typeof text === 'string') this.appendText(choice, key, text);
      const partial = readProperty(delta, 'partial_json');
      if (typeof partial === 'string') {
        const tool = this.toolBlock(choice, key);
        tool.args = this.bounded(tool.args, partial);
      }
    } else if (type === 'message_delta') {
      const reason = readProperty(readProperty(event, 'delta'), 'stop_reason');
      if (typeof reason === 'string') choice.reason = reason;
    }
  }

  private addOllamaChunk(message: object, reason: unknown): void {
    const choice = this.choice(0);
    const role = readProperty(message, 'role');
    if (typeof role === 'string' && role !== '') choice.role = role;
    const content = readProperty(message, 'content');
    if (typeof content === 'string') this.appendText(choice, 'text', content);
    const calls = readProperty(message, 'tool_calls');
    if (Array.isArray(calls)) {
      for (const call of calls) {
        const part = toolCallPart(call);
        if (part === undefined) continue;
        const block = this.toolBlock(choice, `tool:ollama:${this.toolCount++}`);
        block.id = part.id;
        block.name = part.name;
        block.input = part.arguments;
      }
    }
    if (typeof reason === 'string') choice.reason = reason;
  }

  private choice(index: number): Choice {
    let choice = this.choices.get(index);
    if (choice === undefined) {
      choice = { role: 'assistant', reason: undefined, blocks: new Map() };
      this.choices.set(index, choice);
    }
    return choice;
  }

  private appendText(choice: Choice, key: string, text: string): void {
    const block = choice.blocks.get(key);
    if (block === undefined) choice.blocks.set(key, { kind: 'text', text: this.bounded('', text) });
    else if (block.kind === 'text') block.text = this.bounded(block.text, text);
  }

  private toolBlock(choice: Choice, key: string): ToolBlock {
    const block = choice.blocks.get(key);
    if (block !== undefined && block.kind === 'tool') return block;
    const created: ToolBlock = { kind: 'tool', id: '', name: '', args: '', input: undefined };
    choice.blocks.set(key, created);
    return created;
  }

  /** `text + delta`, keeping the total within capacity (later deltas are dropped, not kept in memory). */
  private bounded(text: string, delta: string): string {
    const room = this.capacity - this.kept;
    if (room <= 0 || delta === '') return text;
    const kept = delta.length <= room ? delta : delta.slice(0, room);
    this.kept += kept.length;
    return text + kept;
  }
}
