/**
 * The rules {@link ScriptedBackend} answers by when no scripted entry matches. Deterministic and small on
 * purpose: word lists for sentiment, capitalised names for entities, a schema-driven JSON builder for formatted
 * requests, and a few checks for judge questions (word limits, "mention X", "start with X", lower case).
 */
import type { JsonSchema } from '../format';

const POSITIVE = new Set(
  'love loved lovely great good excellent amazing wonderful fantastic happy delighted enjoy enjoyed best brilliant perfect nice pleased like liked superb awesome'.split(
    ' ',
  ),
);
const NEGATIVE = new Set(
  'hate hated terrible awful bad worst poor horrible disappointing disappointed sad angry broken slow rude annoying useless never refund'.split(
    ' ',
  ),
);

/** `positive`, `negative` or `neutral` by counting sentiment words. */
export function sentimentOf(text: string): 'positive' | 'negative' | 'neutral' {
  let score = 0;
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) {
    if (POSITIVE.has(word)) score++;
    else if (NEGATIVE.has(word)) score--;
  }
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}

const NOT_NAMES = new Set(
  'The A An I We It This That They He She You My Our Their But And Or If When Then Yesterday Today Tomorrow'.split(' '),
);

/** Runs of capitalised words (`Ada Lovelace`, `London`), minus sentence starters such as "The". */
export function entitiesOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\b[A-Z][a-zA-Z'-]*(?:\s+[A-Z][a-zA-Z'-]*)*/g)) {
    const words = match[0].split(/\s+/);
    while (words.length > 0 && NOT_NAMES.has(words[0]!)) words.shift();
    const name = words.join(' ');
    if (name !== '' && !found.includes(name)) found.push(name);
  }
  return found;
}

/** `location` when the name follows in/from/at/near, else `person`. */
export function entityKindOf(text: string, name: string): 'person' | 'location' {
  const before = text.slice(0, Math.max(0, text.indexOf(name))).trimEnd();
  return /\b(in|from|at|near)$/i.test(before) ? 'location' : 'person';
}

/** What a JSON answer is built from: the request's text (for sentiment and entities). */
export interface AnswerHints {
  readonly text: string;
  readonly sentiment: string;
  readonly entities: readonly string[];
}

export function hintsFor(text: string): AnswerHints {
  return { text, sentiment: sentimentOf(text), entities: entitiesOf(text) };
}

/** A value that satisfies `schema`, filled from `hints` where a property's name says what it holds. */
export function valueForSchema(schema: JsonSchema, hints: AnswerHints, key = ''): unknown {
  const options = schema['enum'];
  if (Array.isArray(options) && options.length > 0) return pickOption(options, hints.sentiment, key);
  if ('const' in schema) return schema['const'];
  const type = Array.isArray(schema['type']) ? (schema['type'] as unknown[])[0] : schema['type'];
  switch (type) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, child]) => [name, valueForSchema(child, hints, name)]),
      );
    }
    case 'array': {
      const items = (schema['items'] ?? { type: 'string' }) as JsonSchema;
      const names = hints.entities.length > 0 ? hints.entities : ['none'];
      if (items['type'] === 'object') return names.map((name) => entityObject(items, name, hints.text));
      return items['type'] === 'string' || items['type'] === undefined
        ? [...names]
        : [valueForSchema(items, hints, key)];
    }
    case 'number':
      return /confidence|score|probability/i.test(key) ? 0.9 : 1;
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringFor(key, hints);
  }
}

function stringFor(key: string, hints: AnswerHints): string {
  if (/sentiment|label|class|category|polarity/i.test(key)) return hints.sentiment;
  if (/name|entity|person|who/i.test(key)) return hints.entities[0] ?? 'unknown';
  if (/reason|explanation|summary|rationale/i.test(key)) return `the text reads as ${hints.sentiment}`;
  return hints.text.slice(0, 60);
}

/** One entity as an object: name-like properties get the name, type-like ones a guessed kind. */
function entityObject(schema: JsonSchema, name: string, text: string): Record<string, unknown> {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(properties)) {
    if (/^(name|text|entity|value)$/i.test(key)) out[key] = name;
    else if (/type|kind|label|category/i.test(key)) {
      const kind = entityKindOf(text, name);
      out[key] = Array.isArray(child['enum']) ? pickOption(child['enum'], kind, key) : kind;
    } else out[key] = valueForSchema(child, hintsFor(name), key);
  }
  return out;
}

function pickOption(options: readonly unknown[], wanted: string, key: string): unknown {
  const lower = wanted.toLowerCase();
  const match = options.find(
    (option) => typeof option === 'string' && option.toLowerCase().startsWith(lower.slice(0, 3)),
  );
  if (match !== undefined) return match;
  return /sentiment|label/i.test(key) && options.includes('neutral') ? 'neutral' : options[0];
}

/** The judge's answer to "does `output` meet `requirement`?": "Yes. …" or "No. …", by a few checks. */
export function judge(requirement: string, output: string): string {
  const text = requirement.toLowerCase();
  const words = output.trim() === '' ? 0 : output.trim().split(/\s+/).length;
  const limit = /(?:under|fewer than|less than|at most|no more than|maximum of|max(?:imum)?)\s+(\d+)\s+words?/.exec(
    text,
  );
  if (limit) {
    const max = Number(limit[1]) - (/under|fewer than|less than/.test(limit[0]) ? 1 : 0);
    return words <= max
      ? `Yes. The output has ${words} words, within the limit of ${limit[1]}.`
      : `No. The output has ${words} words, over the limit of ${limit[1]}.`;
  }
  const mention =
    /(?:mention|mentions|include|includes|contain|contains|use|uses)\s+(?:the word\s+)?["'“]?([\w-]+)/.exec(text);
  if (mention) {
    const word = mention[1]!;
    return output.toLowerCase().includes(word)
      ? `Yes. The output mentions "${word}".`
      : `No. The output does not mention "${word}".`;
  }
  const start = /(?:start|starts|begin|begins)\s+with\s+["'“]?([\w-]+)/.exec(text);
  if (start) {
    const word = start[1]!;
    return output.trim().toLowerCase().startsWith(word)
      ? `Yes. The output starts with "${word}".`
      : `No. The output does not start with "${word}".`;
  }
  if (/lower ?case/.test(text)) {
    return output === output.toLowerCase()
      ? 'Yes. The output is in lower case.'
      : 'No. The output has capital letters.';
  }
  return 'Yes. No rule of the scripted judge applies to this requirement, so it accepts.';
}

/** A chat reply: greets back, answers a question with a stock sentence, else acknowledges. */
export function chatReply(content: string, historyMessages: number): string {
  const memory = historyMessages === 0 ? '' : ` (I can see ${historyMessages} earlier messages of our conversation.)`;
  if (/^\s*(hi|hello|hey)\b/i.test(content)) return `Hello! I am a scripted assistant running offline.${memory}`;
  if (content.trim().endsWith('?')) {
    return `Good question. A scripted backend cannot look that up, but the text reads as ${sentimentOf(content)}.${memory}`;
  }
  return `Noted: "${content.trim().slice(0, 80)}".${memory}`;
}
