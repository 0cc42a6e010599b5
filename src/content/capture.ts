/**
 * Message capture on backend spans (opt-in): the recipe's hooks call these writers, which put the *parsed*
 * messages under the content attribute names; the gate in record.ts redacts, serialises and bounds them when
 * they are set. With content or capture off each writer returns after one check, having read nothing.
 */
import type { AttributeMap } from '../coerce';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
} from '../semconv';
import { state } from '../state';
import { describeError, warnOnce } from '../warnings';
import { type CapturedInput, type ContentInput, inputOfCall, inputOfExtractor, toOutputMessages } from './messages';
import { pendingContent, REDACTION_MARGIN } from './record';
import { StreamedMessages } from './stream-messages';

/**
 * Where a decorated method's messages come from, when the conventions do not find them. Each extractor's
 * result is read like the conventions' findings (any supported shape, or the Gen-AI shape itself). They run
 * only when message capture is on and the span is recording.
 */
export interface ContentOptions<This = any, Args extends unknown[] = any[]> {
  /** The call's messages, system instructions and tools (or just an array of messages). */
  input?: (self: This, args: Args) => ContentInput | unknown[] | undefined;
  /** The result to read output messages from (e.g. `result.raw`), or the output messages themselves. */
  output?: (result: any, self: This, args: Args) => unknown;
  /** For a streamed result: the chunk to read (e.g. `chunk.raw`, or the text delta as a string). */
  chunk?: (chunk: any, self: This, args: Args) => unknown;
}

/** Whether messages are captured now: content on, capture on, and the call's span records. */
export function isCapturingMessages(): boolean {
  return state.content && state.capture.messages && !state.capture.suspended;
}

/** `gen_ai.input.messages`, `gen_ai.system_instructions`, `gen_ai.tool.definitions` at the start of a call. */
export function writeInputContent(
  label: string,
  options: ContentOptions | undefined,
  self: unknown,
  args: ArrayLike<unknown>,
  out: AttributeMap,
): void {
  if (!isCapturingMessages()) return;
  let input: CapturedInput | undefined;
  try {
    input = options?.input !== undefined ? inputOfExtractor(options.input(self, args as unknown[])) : inputOfCall(args);
  } catch (error) {
    warnCapture(label, 'input', error);
    return;
  }
  if (input === undefined) return;
  if (input.messages !== undefined && input.messages.length > 0) out[ATTR_GEN_AI_INPUT_MESSAGES] = input.messages;
  if (input.system !== undefined && input.system.length > 0) out[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = input.system;
  if (input.tools !== undefined && input.tools.length > 0) out[ATTR_GEN_AI_TOOL_DEFINITIONS] = input.tools;
}

/** `gen_ai.output.messages` from a call's result (a stream object is skipped: its chunks are read instead). */
export function writeOutputContent(
  label: string,
  options: ContentOptions | undefined,
  result: unknown,
  self: unknown,
  args: ArrayLike<unknown>,
  out: AttributeMap,
): void {
  if (!isCapturingMessages()) return;
  try {
    const source = options?.output !== undefined ? options.output(result, self, args as unknown[]) : result;
    if (isStream(source)) return;
    const messages = toOutputMessages(source);
    if (messages !== undefined && messages.length > 0) out[ATTR_GEN_AI_OUTPUT_MESSAGES] = messages;
  } catch (error) {
    warnCapture(label, 'output', error);
  }
}

const streams = new WeakMap<AttributeMap, StreamedMessages>();

/**
 * One chunk of a streamed result into the call's accumulator. `out` is the map the call's chunks are collected
 * in (one per call), so it keys the accumulator; the messages are assembled once, when the span ends.
 */
export function writeChunkContent(
  label: string,
  options: ContentOptions | undefined,
  chunk: unknown,
  self: unknown,
  args: ArrayLike<unknown>,
  out: AttributeMap,
): void {
  if (!isCapturingMessages()) return;
  try {
    let messages = streams.get(out);
    if (messages === undefined) {
      const created = new StreamedMessages(state.capture.maxCodePoints + REDACTION_MARGIN);
      messages = created;
      streams.set(out, created);
      out[ATTR_GEN_AI_OUTPUT_MESSAGES] = pendingContent(() => created.toOutputMessages());
    }
    messages.add(options?.chunk !== undefined ? options.chunk(chunk, self, args as unknown[]) : chunk);
  } catch (error) {
    warnCapture(label, 'chunk', error);
  }
}

function isStream(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return (
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' ||
    typeof (value as { getReader?: unknown }).getReader === 'function'
  );
}

function warnCapture(label: string, side: string, error: unknown): void {
  warnOnce(
    `content:${side}:${label}`,
    `reading the ${side} messages of ${label} threw; they are left out: ${describeError(error)}`,
  );
}
