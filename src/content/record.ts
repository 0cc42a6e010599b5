/**
 * The one gate every content attribute passes before it is set on a span (TracedCall calls it for each key
 * in CONTENT_ATTRIBUTES, whoever wrote it: the conventions, a decorator option, a stream's chunks, an event):
 *   1. MELLEA_TRACE_CONTENT=false → dropped, before anything is read or serialised;
 *   2. the `redact` hook sees the parsed value; `undefined` drops it; a throw drops it (one warning);
 *   3. serialised and bounded (JSON kept valid), with a marker where it was cut.
 */
import type { AttributeValue } from '@opentelemetry/api';
import { stringify } from '../coerce';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_RESPONSE,
  RESPONSE_MAX_CODE_POINTS,
} from '../semconv';
import { state } from '../state';
import { truncateResponse } from '../truncate';
import { warnOnce } from '../warnings';
import { listJson, messagesJson, partsJson, textWithin } from './truncate-json';

/**
 * Whether `key` is one of `CONTENT_ATTRIBUTES` (semconv.ts): compared with literals instead of a hash look-up, since it
 * is asked for every attribute of every span (a test keeps the two lists equal).
 */
export function isContentAttribute(key: string): boolean {
  switch (key) {
    case 'response':
    case 'gen_ai.input.messages':
    case 'gen_ai.output.messages':
    case 'gen_ai.system_instructions':
    case 'gen_ai.tool.definitions':
    case 'gen_ai.evaluation.explanation':
      return true;
    default:
      return false;
  }
}

const PENDING: unique symbol = Symbol('mellea-telemetry.pending-content');

/**
 * A content value computed only when it is recorded (a stream's accumulated messages): the gate calls
 * `resolve()` after the content switch, so nothing is assembled for a span that drops it.
 */
export interface PendingContent {
  readonly [PENDING]: true;
  resolve(): unknown;
}

/** Wraps `resolve` as a {@link PendingContent}. */
export function pendingContent(resolve: () => unknown): PendingContent {
  return { [PENDING]: true, resolve };
}

function isPending(value: unknown): value is PendingContent {
  return value !== null && typeof value === 'object' && (value as { [PENDING]?: unknown })[PENDING] === true;
}

/**
 * Extra code points kept before the redactor runs, beyond each attribute's bound: the final cut happens after
 * redaction, so a secret that straddles the bound is seen whole by the redactor and cannot leave a fragment.
 */
export const REDACTION_MARGIN = 1_024;

/** The attribute value to record for content attribute `key`, or undefined to leave it out. */
export function contentAttributeValue(key: string, raw: unknown): AttributeValue | undefined {
  if (!state.content) return undefined;
  let value = isPending(raw) ? raw.resolve() : raw;
  if (value === undefined || value === null) return undefined;
  const redact = state.capture.redact;
  if (redact !== undefined) {
    value = withinMargin(key, value);
    try {
      value = redact(key, value);
    } catch (error) {
      // The message is not printed: it may quote the content the redactor was looking at.
      warnOnce(
        `redact:${key}`,
        `the redact hook threw (${errorClassOf(error)}) on ${key}; the attribute is left out of the span`,
      );
      return undefined;
    }
    if (value === undefined || value === null) return undefined;
  }
  return serialised(key, value);
}

/**
 * The redactor's input kept small: content past the bound plus the margin, counted in order over all the
 * messages, is cut first — it could never be recorded, and the margin keeps a secret at the bound whole. What
 * remains is still longer than the bound, so the final cut marks the attribute as truncated.
 */
function withinMargin(key: string, value: unknown): unknown {
  if (!Array.isArray(value) || (key !== ATTR_GEN_AI_INPUT_MESSAGES && key !== ATTR_GEN_AI_OUTPUT_MESSAGES))
    return value;
  let room = state.capture.maxCodePoints + REDACTION_MARGIN;
  const kept: unknown[] = [];
  for (const message of value) {
    const parts = (message as { parts?: unknown } | null)?.parts;
    if (!Array.isArray(parts)) {
      kept.push(message);
      continue;
    }
    const keptParts: unknown[] = [];
    for (const part of parts) {
      const content = (part as { content?: unknown } | null)?.content;
      if (typeof content !== 'string' || content.length <= room) {
        keptParts.push(part);
        if (typeof content === 'string') room -= content.length;
        continue;
      }
      keptParts.push({ ...(part as object), content: truncateResponse(content, room) });
      room = -1;
      break;
    }
    kept.push(keptParts.length === parts.length ? message : { ...(message as object), parts: keptParts });
    if (room < 0) return kept;
  }
  return value;
}

function serialised(key: string, value: unknown): string | undefined {
  const max = state.capture.maxCodePoints;
  switch (key) {
    case ATTR_RESPONSE:
      return truncateResponse(stringify(value), RESPONSE_MAX_CODE_POINTS);
    case ATTR_GEN_AI_INPUT_MESSAGES:
    case ATTR_GEN_AI_OUTPUT_MESSAGES:
      return asJsonList(value, max, (list) => messagesJson(list as { parts?: unknown }[], max));
    case ATTR_GEN_AI_SYSTEM_INSTRUCTIONS:
      return asJsonList(value, max, (list) => partsJson(list, max));
    case ATTR_GEN_AI_TOOL_DEFINITIONS:
      return asJsonList(value, max, (list) => listJson(list, max));
    default:
      return textWithin(stringify(value), max);
  }
}

/** A list attribute: an array serialised by `toJson`; a string the program wrote itself is kept if it fits. */
function asJsonList(value: unknown, max: number, toJson: (list: readonly unknown[]) => string | undefined) {
  if (Array.isArray(value)) return toJson(value);
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return toJson(parsed);
    } catch {
      // Not JSON: recorded as text below.
    }
    return textWithin(value, max);
  }
  return toJson([value]);
}

function errorClassOf(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return name === '' ? 'an error' : name;
}
