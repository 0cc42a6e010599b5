/**
 * Messages in the Gen-AI conventions' shape (`gen_ai.input.messages` / `gen_ai.output.messages`, JSON schemas of
 * semantic conventions v1.41.1): `{ role, parts }`, output messages with `finish_reason`, parts of type `text`,
 * `tool_call` or `tool_call_response`. This module turns the shapes programs really pass around into that
 * shape: the session runtime's components and contexts, OpenAI / Anthropic / Ollama requests and responses.
 * Only text, tool calls and tool results are recorded; images, audio and files are left out.
 */

import { readProperty } from '../attributes/read';
import { GenerativeSlot } from '../generative-slot';

/** Text sent to or received from the model. */
export interface TextPart {
  readonly type: 'text';
  readonly content: string;
}

/** A tool call the model requested. `id` is `''` when the provider gives none (Ollama). */
export interface ToolCallPart {
  readonly type: 'tool_call';
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
}

/** A tool's result sent back to the model. */
export interface ToolCallResponsePart {
  readonly type: 'tool_call_response';
  readonly id: string;
  readonly response: unknown;
}

/** One part of a message. */
export type MessagePart = TextPart | ToolCallPart | ToolCallResponsePart;

/** One input message (`gen_ai.input.messages` item). */
export interface InputMessage {
  readonly role: string;
  readonly parts: MessagePart[];
}

/** One output message (`gen_ai.output.messages` item). */
export interface OutputMessage extends InputMessage {
  readonly finish_reason: string;
}

/** One tool definition (`gen_ai.tool.definitions` item). */
export interface ToolDefinition {
  readonly type: string;
  readonly name: string;
  readonly description?: string;
  readonly parameters?: unknown;
}

/** What a call sent: its messages, the instructions sent apart from them, and the tools it offered. */
export interface CapturedInput {
  readonly messages?: InputMessage[];
  readonly system?: MessagePart[];
  readonly tools?: ToolDefinition[];
}

/**
 * Whatever a per-decorator `content.input` extractor returns: messages, system instructions and tools in any
 * of the shapes this module reads (they are normalised the same way the conventions' findings are).
 */
export interface ContentInput {
  readonly messages?: unknown;
  readonly system?: unknown;
  readonly tools?: unknown;
}

// ---------------------------------------------------------------------------------------------------------
// Input side

/**
 * The input of a backend call found by convention: a request object with a `messages` array (OpenAI, Ollama,
 * Anthropic — with its `system`) among the arguments; else `text_completion(actions[], options?)`; else
 * `chat(action, ctx, options?)` with the context's history before the action; else a prompt string.
 */
export function inputOfCall(args: ArrayLike<unknown>): CapturedInput | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (isRecord(arg) && Array.isArray(readProperty(arg, 'messages'))) return inputOfRequest(arg);
  }
  const first = args[0];
  // A completion request: `{ prompt, system? }` (OpenAI completions, Ollama generate).
  const prompt = isRecord(first) && !Array.isArray(first) ? readProperty(first, 'prompt') : undefined;
  if (typeof prompt === 'string') {
    return withTools(
      { messages: toInputMessages([prompt]), system: systemPartsOf(readProperty(first, 'system')) },
      toolDefinitionsOf(readProperty(first, 'tools')),
    );
  }
  const last = args.length > 1 ? args[args.length - 1] : undefined;
  const tools = toolDefinitionsOf(isRecord(last) ? readProperty(last, 'tools') : undefined);
  if (Array.isArray(first)) return withTools({ messages: toInputMessages(first) }, tools);
  if (first === undefined || first === null) return undefined;
  const history = args.length > 1 ? historyOf(args[1]) : [];
  return withTools({ messages: [...history, ...toInputMessages([first])] }, tools);
}

/** A request body as the provider SDKs take it: `messages`, Anthropic's `system`, `tools`. */
export function inputOfRequest(request: object): CapturedInput {
  return withTools(
    {
      messages: toInputMessages(asArray(readProperty(request, 'messages'))),
      system: systemPartsOf(readProperty(request, 'system')),
    },
    toolDefinitionsOf(readProperty(request, 'tools')),
  );
}

/** Normalises what a `content.input` extractor returned. */
export function inputOfExtractor(input: ContentInput | unknown[] | undefined | null): CapturedInput | undefined {
  if (input === undefined || input === null) return undefined;
  if (Array.isArray(input)) return { messages: toInputMessages(input) };
  return withTools(
    {
      messages: input.messages === undefined ? undefined : toInputMessages(asArray(input.messages)),
      system: systemPartsOf(input.system),
    },
    toolDefinitionsOf(input.tools),
  );
}

function withTools(input: CapturedInput, tools: ToolDefinition[] | undefined): CapturedInput {
  return tools === undefined ? input : { ...input, tools };
}

/** A generation context's history: the runtime's `messages()`, else its `items`, else an array of messages. */
function historyOf(ctx: unknown): InputMessage[] {
  if (Array.isArray(ctx)) return toInputMessages(ctx);
  const messages = readProperty(ctx, 'messages');
  if (typeof messages === 'function') return toInputMessages(asArray(messages.call(ctx)));
  if (Array.isArray(messages)) return toInputMessages(messages);
  const items = readProperty(ctx, 'items');
  return Array.isArray(items) ? toInputMessages(items) : [];
}

/**
 * Any list of messages or actions as input messages: provider messages (`{ role, content, tool_calls }`),
 * already-normalised messages (`{ role, parts }`), components with `toMessages()`, a `GenerativeSlot`, an
 * object with a `description` (an Instruction-like action) or a string (a user message). Others are skipped.
 */
export function toInputMessages(items: readonly unknown[]): InputMessage[] {
  const messages: InputMessage[] = [];
  for (const item of items) appendInput(item, messages, 0);
  return messages;
}

function appendInput(item: unknown, into: InputMessage[], depth: number): void {
  if (typeof item === 'string') {
    into.push({ role: 'user', parts: [{ type: 'text', content: item }] });
    return;
  }
  if (!isRecord(item) || depth > 2) return;
  if (item instanceof GenerativeSlot) {
    into.push({ role: 'user', parts: [{ type: 'text', content: slotText(item) }] });
    return;
  }
  const toMessages = readProperty(item, 'toMessages');
  if (typeof toMessages === 'function') {
    for (const message of asArray(toMessages.call(item))) appendInput(message, into, depth + 1);
    return;
  }
  const role = readProperty(item, 'role');
  if (typeof role === 'string') {
    into.push({ role, parts: messageParts(item, role) });
    return;
  }
  const description = readProperty(item, 'description');
  if (typeof description === 'string') into.push({ role: 'user', parts: [{ type: 'text', content: description }] });
}

/** A `@generative` call as the model is asked it: the task and the arguments (the runtime renders it longer). */
function slotText(slot: GenerativeSlot): string {
  let args: string;
  try {
    args = JSON.stringify(slot.args) ?? '';
  } catch {
    args = '';
  }
  return `${slot.name}: ${slot.description}${args === '' || args === '{}' ? '' : `\nArguments: ${args}`}`;
}

/** The parts of one provider message (OpenAI, Anthropic, Ollama, or already `{ parts }`). */
function messageParts(message: object, role: string): MessagePart[] {
  const given = readProperty(message, 'parts');
  if (Array.isArray(given)) return given.filter(isMessagePart);
  const content = readProperty(message, 'content');
  if (role === 'tool') {
    // OpenAI `{ role: 'tool', tool_call_id, content }`, Ollama `{ role: 'tool', tool_name, content }`.
    const id = readProperty(message, 'tool_call_id');
    return [{ type: 'tool_call_response', id: typeof id === 'string' ? id : '', response: textOrValue(content) }];
  }
  const parts = contentParts(content);
  for (const call of asArray(readProperty(message, 'tool_calls'))) {
    const part = toolCallPart(call);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** A message's `content`: a string, or an array of content blocks (OpenAI parts, Anthropic blocks). */
function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', content }];
  const parts: MessagePart[] = [];
  for (const block of asArray(content)) {
    const part = blockPart(block);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** One content block: text, Anthropic `tool_use` / `tool_result`, or an already-normalised part. */
function blockPart(block: unknown): MessagePart | undefined {
  if (typeof block === 'string') return { type: 'text', content: block };
  if (!isRecord(block)) return undefined;
  const type = readProperty(block, 'type');
  if (isMessagePart(block)) return block;
  if (type === 'text' || type === 'input_text' || type === 'output_text') {
    const text = readProperty(block, 'text');
    return typeof text === 'string' ? { type: 'text', content: text } : undefined;
  }
  if (type === 'tool_use') {
    const name = readProperty(block, 'name');
    return {
      type: 'tool_call',
      id: stringOr(readProperty(block, 'id'), ''),
      name: stringOr(name, ''),
      arguments: readProperty(block, 'input') ?? null,
    };
  }
  if (type === 'tool_result') {
    const result = readProperty(block, 'content');
    return {
      type: 'tool_call_response',
      id: stringOr(readProperty(block, 'tool_use_id'), ''),
      response: Array.isArray(result) ? joinedText(result) : textOrValue(result),
    };
  }
  return undefined;
}

/** An OpenAI (`{ id, function: { name, arguments: '<json>' } }`) or Ollama tool call as a part. */
export function toolCallPart(call: unknown): ToolCallPart | undefined {
  if (!isRecord(call)) return undefined;
  if (isMessagePart(call)) return call.type === 'tool_call' ? call : undefined;
  const fn = readProperty(call, 'function');
  const source = isRecord(fn) ? fn : call;
  const name = readProperty(source, 'name');
  if (typeof name !== 'string') return undefined;
  return {
    type: 'tool_call',
    id: stringOr(readProperty(call, 'id'), ''),
    name,
    arguments: parsedArguments(readProperty(source, 'arguments') ?? readProperty(source, 'input')),
  };
}

/** Tool arguments: JSON text parsed when it parses (OpenAI sends a string), else as given. */
export function parsedArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Anthropic's `system`: a string or text blocks. OpenAI/Ollama system messages stay in the input messages. */
function systemPartsOf(system: unknown): MessagePart[] | undefined {
  if (system === undefined || system === null) return undefined;
  const parts = contentParts(system);
  return parts.length > 0 ? parts : undefined;
}

/**
 * Tool definitions: OpenAI / Ollama `{ type: 'function', function: { name, description, parameters } }`,
 * Anthropic `{ name, description, input_schema }`, functions, or a `{ name: tool }` record.
 */
export function toolDefinitionsOf(tools: unknown): ToolDefinition[] | undefined {
  let list: unknown[];
  if (Array.isArray(tools)) list = tools;
  else if (isRecord(tools)) list = Object.keys(tools).map((name) => ({ name }));
  else return undefined;
  const definitions: ToolDefinition[] = [];
  for (const tool of list) {
    if (typeof tool === 'function') {
      definitions.push({ type: 'function', name: tool.name || 'anonymous' });
      continue;
    }
    if (!isRecord(tool)) continue;
    const fn = readProperty(tool, 'function');
    const source = isRecord(fn) ? fn : tool;
    const name = readProperty(source, 'name');
    if (typeof name !== 'string') continue;
    const type = readProperty(tool, 'type');
    const description = readProperty(source, 'description');
    const parameters = readProperty(source, 'parameters') ?? readProperty(source, 'input_schema');
    definitions.push({
      type: typeof type === 'string' && type !== 'custom' ? type : 'function',
      name,
      ...(typeof description === 'string' ? { description } : {}),
      ...(parameters !== undefined && parameters !== null ? { parameters } : {}),
    });
  }
  return definitions.length > 0 ? definitions : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Output side

/**
 * The output messages of a result: a string; the runtime's `{ value, toolCalls?, finishReasons? }`; OpenAI's
 * `choices[].message` (or `.text`); Anthropic's `{ role, content: blocks, stop_reason }`; Ollama's
 * `{ message, done_reason }`; an array of those (a batch: one message each). Undefined for anything else.
 */
export function toOutputMessages(result: unknown): OutputMessage[] | undefined {
  if (Array.isArray(result)) {
    const messages: OutputMessage[] = [];
    for (const item of result) messages.push(...(toOutputMessages(item) ?? []));
    return messages.length > 0 ? messages : undefined;
  }
  if (typeof result === 'string') return [{ role: 'assistant', parts: textParts(result), finish_reason: 'stop' }];
  if (!isRecord(result)) return undefined;
  const choices = readProperty(result, 'choices');
  if (Array.isArray(choices)) {
    const messages: OutputMessage[] = [];
    for (const choice of choices) {
      const message = readProperty(choice, 'message');
      const parts = isRecord(message) ? messageParts(message, 'assistant') : textParts(readProperty(choice, 'text'));
      messages.push({
        role: roleOf(message),
        parts,
        finish_reason: finishReason(readProperty(choice, 'finish_reason'), parts),
      });
    }
    return messages;
  }
  const message = readProperty(result, 'message');
  if (isRecord(message) && readProperty(message, 'role') !== undefined) {
    const parts = messageParts(message, 'assistant');
    return [{ role: roleOf(message), parts, finish_reason: finishReason(readProperty(result, 'done_reason'), parts) }];
  }
  const content = readProperty(result, 'content');
  if (Array.isArray(content) && (readProperty(result, 'role') !== undefined || 'stop_reason' in result)) {
    const parts = contentParts(content);
    return [{ role: roleOf(result), parts, finish_reason: finishReason(readProperty(result, 'stop_reason'), parts) }];
  }
  const given = readProperty(result, 'parts');
  if (Array.isArray(given) && typeof readProperty(result, 'role') === 'string') {
    const parts = given.filter(isMessagePart);
    return [{ role: roleOf(result), parts, finish_reason: finishReason(readProperty(result, 'finish_reason'), parts) }];
  }
  const text = readProperty(result, 'value') ?? readProperty(result, 'text') ?? content;
  if (typeof text !== 'string') return undefined;
  const parts = textParts(text);
  for (const call of asArray(readProperty(result, 'toolCalls') ?? readProperty(result, 'tool_calls'))) {
    const part = toolCallPart(call);
    if (part !== undefined) parts.push(part);
  }
  return [{ role: 'assistant', parts, finish_reason: finishReason(firstReason(result), parts) }];
}

function firstReason(result: object): unknown {
  const reasons = readProperty(result, 'finishReasons') ?? readProperty(result, 'finish_reasons');
  if (Array.isArray(reasons)) return reasons[0];
  return readProperty(result, 'finishReason') ?? readProperty(result, 'finish_reason') ?? reasons;
}

const FINISH_REASONS: Readonly<Record<string, string>> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  length: 'length',
  max_tokens: 'length',
  tool_calls: 'tool_call',
  function_call: 'tool_call',
  tool_use: 'tool_call',
  tool_call: 'tool_call',
  content_filter: 'content_filter',
  refusal: 'content_filter',
  error: 'error',
};

/**
 * A provider's finish reason in the conventions' words (`stop`, `length`, `content_filter`, `tool_call`,
 * `error`; others kept as they are). None given: `tool_call` when the message calls a tool, else `stop`.
 */
export function finishReason(reason: unknown, parts: readonly MessagePart[]): string {
  if (typeof reason === 'string' && reason !== '') return FINISH_REASONS[reason] ?? reason;
  return parts.some((part) => part.type === 'tool_call') ? 'tool_call' : 'stop';
}

function roleOf(message: unknown): string {
  const role = readProperty(message, 'role');
  return typeof role === 'string' && role !== '' ? role : 'assistant';
}

function textParts(text: unknown): MessagePart[] {
  return typeof text === 'string' && text !== '' ? [{ type: 'text', content: text }] : [];
}

// ---------------------------------------------------------------------------------------------------------
// Small readers

function isMessagePart(value: unknown): value is MessagePart {
  if (!isRecord(value)) return false;
  const type = readProperty(value, 'type');
  if (type === 'text') return typeof readProperty(value, 'content') === 'string';
  if (type === 'tool_call') return typeof readProperty(value, 'name') === 'string' && 'id' in value;
  if (type === 'tool_call_response') return 'response' in value && 'id' in value;
  return false;
}

function joinedText(blocks: readonly unknown[]): unknown {
  const texts = blocks.map((block) => (isRecord(block) ? readProperty(block, 'text') : block));
  return texts.every((text) => typeof text === 'string') ? texts.join('') : blocks;
}

function textOrValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
