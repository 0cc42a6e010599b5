/**
 * Bounded message attributes stay valid JSON at every cut point: generated conversations (escapes, control
 * characters, astral code points, tool calls with nested arguments) serialised with every bound from 1 to their
 * full length. Property-based with a seeded generator, so a failure names the seed and the bound.
 */
import { codePointLength, listJson, messagesJson, partsJson, textWithin } from '../../src/content/truncate-json';
import { schemaErrors } from '../support/genai-schema';
import { type Random, randomGenerator } from '../support/random';

const MARKER = '…[truncated]';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text with the characters that make cuts hard: quotes, backslashes, newlines, controls, emoji, CJK. */
function awkwardText(random: Random, maxLength: number): string {
  const alphabet = ['a', 'b', ' ', '"', '\\', '\n', '\t', '\u0001', '😀', '𝄞', '日本', 'é', '/', '<', '\u2028'];
  let text = '';
  const length = random.int(0, maxLength);
  while (text.length < length) text += random.pick(alphabet);
  return text;
}

function conversation(random: Random): any[] {
  const count = random.int(1, 12);
  return Array.from({ length: count }, (_, index) => {
    const parts: any[] = [];
    for (let n = random.int(0, 3); n >= 0; n--) {
      const choice = random.int(0, 5);
      if (choice <= 3) parts.push({ type: 'text', content: awkwardText(random, 120) });
      else if (choice === 4)
        parts.push({
          type: 'tool_call',
          id: `call_${index}`,
          name: 'search',
          arguments: { query: awkwardText(random, 30), nested: { list: [1, awkwardText(random, 10)] } },
        });
      else parts.push({ type: 'tool_call_response', id: `call_${index}`, response: awkwardText(random, 40) });
    }
    return { role: random.pick(['user', 'assistant', 'tool', 'system']), parts, finish_reason: 'stop' };
  });
}

/** The text contents in order, with the marker's removed: what a cut must keep as a prefix. */
function texts(messages: any[]): string {
  return messages
    .flatMap((message) => message.parts)
    .filter((part: any) => part.type === 'text' && part.content !== MARKER)
    .map((part: any) => part.content)
    .join('\u0000');
}

describe('messagesJson keeps valid JSON at every cut point', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  it.each(seeds)('seed %i: every bound from 1 to the full length', (seed) => {
    const random = randomGenerator(seed);
    const messages = conversation(random);
    const full = JSON.stringify(messages);
    const fullPoints = codePointLength(full);
    const original = texts(messages);
    let previous = 0;
    for (let bound = 1; bound <= fullPoints + 1; bound++) {
      const json = messagesJson(messages, bound);
      if (json === undefined) {
        // Only when not even the first role and the marker fit.
        expect(previous).toBe(0);
        continue;
      }
      const points = codePointLength(json);
      if (points > bound) throw new Error(`seed ${seed}, bound ${bound}: ${points} code points`);
      const errors = schemaErrors(json, 'output');
      if (errors.length > 0) throw new Error(`seed ${seed}, bound ${bound}: ${errors.join('; ')}`);
      const parsed = JSON.parse(json);
      if (bound >= fullPoints) expect(json).toBe(full);
      else {
        expect(json).toContain(MARKER);
        // What is kept is the start of the content, in order (the last kept text without its marker).
        const kept = texts(parsed).replace(MARKER, '');
        if (!original.startsWith(kept)) throw new Error(`seed ${seed}, bound ${bound}: kept text is not a prefix`);
      }
      // No cut split a surrogate pair (the generated text has none alone).
      if (LONE_SURROGATE.test(json)) throw new Error(`seed ${seed}, bound ${bound}: a lone surrogate`);
      previous = points;
    }
  });

  it('a tool call that does not fit is replaced by a marker part, never cut', () => {
    const messages = [
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'calling' },
          { type: 'tool_call', id: 'c', name: 'f', arguments: { big: 'x'.repeat(500) } },
        ],
      },
    ];
    const json = messagesJson(messages, 200)!;
    expect(JSON.parse(json)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'calling' },
          { type: 'text', content: MARKER },
        ],
      },
    ]);
  });

  it('system instructions and tool definitions are bounded the same way', () => {
    const random = randomGenerator(42);
    const parts = Array.from({ length: 20 }, () => ({ type: 'text', content: awkwardText(random, 80) }));
    const tools = Array.from({ length: 20 }, (_, index) => ({
      type: 'function',
      name: `tool_${index}`,
      description: awkwardText(random, 60),
    }));
    const partsLength = codePointLength(JSON.stringify(parts));
    const toolsLength = codePointLength(JSON.stringify(tools));
    for (let bound = 1; bound <= Math.max(partsLength, toolsLength) + 1; bound++) {
      const system = partsJson(parts, bound);
      if (system !== undefined) {
        expect(codePointLength(system)).toBeLessThanOrEqual(bound);
        expect(schemaErrors(system, 'system')).toEqual([]);
      }
      const definitions = listJson(tools, bound);
      if (definitions !== undefined) {
        expect(codePointLength(definitions)).toBeLessThanOrEqual(bound);
        expect(schemaErrors(definitions, 'tools')).toEqual([]);
      }
    }
  });

  it('plain text: cut on a code point, marked', () => {
    const text = '😀'.repeat(100);
    const cut = textWithin(text, 50);
    expect(codePointLength(cut)).toBe(50);
    expect(cut.endsWith(MARKER)).toBe(true);
    expect(cut.startsWith('😀'.repeat(50 - MARKER.length))).toBe(true);
  });
});
