/**
 * Bounding a content attribute to a number of code points while keeping it valid JSON: text is cut before it
 * is serialised (so never inside an escape or a surrogate pair), parts and messages past the cut are dropped,
 * and the cut is marked with {@link TRUNCATION_MARKER} — at the end of the cut text, or as a text part of its own
 * when a non-text part (a tool call) was dropped.
 */
import { truncateResponse } from '../truncate';

/** Ends the text (or is the text part) where a content attribute was cut. */
export const TRUNCATION_MARKER = '…[truncated]';

/** Code points in `text` (UTF-16 units minus surrogate pairs). */
export function codePointLength(text: string): number {
  let pairs = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        index++;
      }
    }
  }
  return text.length - pairs;
}

/** Whether `text` has at most `max` code points (without counting when its length already says so). */
export function fitsCodePoints(text: string, max: number): boolean {
  return text.length <= max || codePointLength(text) <= max;
}

interface MessageLike {
  readonly parts?: unknown;
}

/**
 * `messages` as JSON of at most `maxCodePoints` code points: whole when it fits, else the longest prefix of its
 * content (in order) that fits, cut as described above. Undefined when not even the first message's role and a
 * marker fit, or when the value cannot be serialised.
 *
 * @example
 * messagesJson([{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(100) }] }], 80);
 * // '[{"role":"user","parts":[{"type":"text","content":"xxxxxxxxxxxxxxxx…[truncated]"}]}]'
 */
export function messagesJson(messages: readonly MessageLike[], maxCodePoints: number): string | undefined {
  const whole = serialise(messages);
  if (whole === undefined || fitsCodePoints(whole, maxCodePoints)) return whole;
  const costs = new Map<unknown, number>();
  let total = 0;
  for (const message of messages) for (const part of partsOf(message)) total += costOf(part, costs);
  const fits = (budget: number): string | undefined => {
    const json = serialise(cutMessages(messages, budget, costs));
    return json !== undefined && fitsCodePoints(json, maxCodePoints) ? json : undefined;
  };
  let best = fits(0);
  if (best === undefined) return undefined;
  // The largest content budget whose cut still fits (the length grows with the budget).
  let low = 0;
  let high = total;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const json = fits(middle);
    if (json === undefined) high = middle;
    else {
      low = middle;
      best = json;
    }
  }
  return best;
}

/** The system instructions (an array of parts) bounded the same way. */
export function partsJson(parts: readonly unknown[], maxCodePoints: number): string | undefined {
  const whole = serialise(parts);
  if (whole === undefined || fitsCodePoints(whole, maxCodePoints)) return whole;
  const wrapped = messagesJson([{ parts }], maxCodePoints + 12);
  if (wrapped === undefined) return undefined;
  // Unwrap `[{"parts":[...]}]` → `[...]`: 12 code points less, so within the bound.
  const unwrapped = serialise((JSON.parse(wrapped) as [{ parts: unknown[] }])[0].parts);
  return unwrapped !== undefined && fitsCodePoints(unwrapped, maxCodePoints) ? unwrapped : undefined;
}

/**
 * A list of whole items (tool definitions) bounded: the items that fit, in order, then the marker as the last
 * element when any were left out.
 */
export function listJson(items: readonly unknown[], maxCodePoints: number): string | undefined {
  const whole = serialise(items);
  if (whole === undefined || fitsCodePoints(whole, maxCodePoints)) return whole;
  const kept: unknown[] = [];
  let used = 2 + JSON.stringify(TRUNCATION_MARKER).length + 1;
  for (const item of items) {
    const json = serialise(item);
    if (json === undefined) continue;
    const size = codePointLength(json) + 1;
    if (used + size > maxCodePoints) break;
    kept.push(item);
    used += size;
  }
  if (used > maxCodePoints) return undefined;
  return serialise([...kept, TRUNCATION_MARKER]);
}

/** Plain text bounded, with the marker when cut. */
export function textWithin(text: string, maxCodePoints: number): string {
  if (fitsCodePoints(text, maxCodePoints)) return text;
  const room = maxCodePoints - TRUNCATION_MARKER.length;
  return room <= 0 ? truncateResponse(text, maxCodePoints) : truncateResponse(text, room) + TRUNCATION_MARKER;
}

/** The messages with at most `budget` code points of content, in order; the cut is marked. */
function cutMessages(messages: readonly MessageLike[], budget: number, costs: Map<unknown, number>): MessageLike[] {
  const kept: MessageLike[] = [];
  let remaining = budget;
  for (const message of messages) {
    const parts: unknown[] = [];
    let cut = false;
    for (const part of partsOf(message)) {
      const cost = costOf(part, costs);
      if (cost <= remaining) {
        parts.push(part);
        remaining -= cost;
        continue;
      }
      const text = textOf(part);
      parts.push(
        text === undefined
          ? { type: 'text', content: TRUNCATION_MARKER }
          : { ...(part as object), content: truncateResponse(text, remaining) + TRUNCATION_MARKER },
      );
      cut = true;
      break;
    }
    kept.push({ ...message, parts });
    if (cut) break;
  }
  return kept;
}

/** What a part costs against the budget: a text part its text, any other part its JSON. */
function costOf(part: unknown, costs: Map<unknown, number>): number {
  let cost = costs.get(part);
  if (cost === undefined) {
    const text = textOf(part);
    cost = text !== undefined ? codePointLength(text) : codePointLength(serialise(part) ?? '');
    costs.set(part, cost);
  }
  return cost;
}

function textOf(part: unknown): string | undefined {
  if (part === null || typeof part !== 'object') return undefined;
  const { type, content } = part as { type?: unknown; content?: unknown };
  return type === 'text' && typeof content === 'string' ? content : undefined;
}

function partsOf(message: MessageLike): readonly unknown[] {
  return Array.isArray(message.parts) ? message.parts : [];
}

/** JSON text, or undefined when the value cannot be serialised (a cycle, a throwing toJSON). */
function serialise(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    // A BigInt somewhere (tool arguments may carry one): as a string. A replacer slows every call, so only here.
    try {
      return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
    } catch {
      return undefined;
    }
  }
}
