/**
 * Prompt rendering shared by every backend: a context's history plus the action's own messages. Components
 * (Instruction, Message, requirement judge prompts) say their messages through `toMessages()`; a
 * `GenerativeSlot` from `@generative` has none, so it is rendered here.
 */
import { GenerativeSlot } from 'mellea-telemetry';
import { jsonSchemaOf } from './format';
import type { ChatMessage, Component, GenerationContext } from './types';

/**
 * The chat messages a backend sends for `action` after `ctx`: the context's history (oldest first), then the
 * action's messages. `action` may be a {@link Component}, a {@link GenerativeSlot} or a plain string (a user
 * message); anything else is a `TypeError`.
 *
 * @example
 * renderMessages(new Message('user', 'hi'), new SimpleContext()); // [{ role: 'user', content: 'hi' }]
 */
export function renderMessages(action: unknown, ctx: GenerationContext): ChatMessage[] {
  return [...ctx.messages(), ...actionMessages(action)];
}

/**
 * The messages of one action, without history (what a raw `text_completion` prompt is made of).
 *
 * @example
 * actionMessages('Hi'); // [{ role: 'user', content: 'Hi' }]
 */
export function actionMessages(action: unknown): ChatMessage[] {
  if (action instanceof GenerativeSlot) return [{ role: 'user', content: renderGenerativeSlot(action) }];
  if (typeof action === 'string') return [{ role: 'user', content: action }];
  if (isComponent(action)) return action.toMessages();
  throw new TypeError(
    `cannot render a prompt for ${describe(action)}: expected a Component (with toMessages()), a GenerativeSlot or a string`,
  );
}

/**
 * One action as a single prompt string (for raw completions): its messages' contents, blank-line separated.
 *
 * @example
 * renderPrompt(new Instruction('Summarise the report')); // 'Summarise the report'
 */
export function renderPrompt(action: unknown): string {
  return actionMessages(action)
    .map((message) => message.content)
    .join('\n\n');
}

/**
 * Whether `value` has a `toMessages()` method.
 *
 * @example
 * isComponent(new Message('user', 'hi')); // true
 */
export function isComponent(value: unknown): value is Component {
  return value !== null && typeof value === 'object' && typeof (value as Component).toMessages === 'function';
}

/**
 * The user prompt for a `@generative` function call: its name, task, arguments and the answer format.
 *
 * @example
 * renderGenerativeSlot(new GenerativeSlot({ name: 'sentiment', description: 'Classify', args: { text: 'great' } }));
 * // 'Act as the function `sentiment`.\nTask: Classify\nArguments:\n  text: "great"\nAnswer with ...'
 */
export function renderGenerativeSlot(slot: GenerativeSlot): string {
  const lines = [`Act as the function \`${slot.name}\`.`, `Task: ${slot.description}`];
  const args = Object.entries(slot.args);
  if (args.length > 0) {
    lines.push('Arguments:');
    for (const [name, value] of args) lines.push(`  ${name}: ${JSON.stringify(value) ?? String(value)}`);
  }
  lines.push(formatInstruction(slot.format) ?? "Answer with the function's return value only, no explanation.");
  return lines.join('\n');
}

/**
 * The sentence that asks for a formatted answer, or undefined when there is no format.
 *
 * @example
 * formatInstruction({ enum: ['yes', 'no'] }); // 'Answer with JSON only, matching this JSON schema: {"enum":["yes","no"]}'
 */
export function formatInstruction(format: unknown): string | undefined {
  if (format === undefined || format === null) return undefined;
  const schema = jsonSchemaOf(format);
  return schema === undefined
    ? 'Answer with JSON only.'
    : `Answer with JSON only, matching this JSON schema: ${JSON.stringify(schema)}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}
