/**
 * The redaction fuzz test: 10,000 generated conversations, each with secrets of every built-in kind planted in
 * random places — message text, tool-call arguments, tool results, Anthropic's system, tool descriptions,
 * model output, stream deltas (split anywhere, mid-secret included) and the application `response` — run through
 * decorated methods with `redact: redactSecrets` and small and large bounds. Not one secret, nor a 16-character
 * piece of one, may appear in any exported attribute or event attribute.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { redactSecrets, traceApplication, traceBackend, traceMethods } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';
import { type Random, randomGenerator } from '../support/random';

const CONVERSATIONS = 10_000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URL_SAFE = `${ALNUM}_-`;

function chars(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let index = 0; index < length; index++) out += alphabet[random.int(0, alphabet.length - 1)];
  return out;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function luhnCard(random: Random): string {
  const prefix = random.pick(['4', '51', '55', '37', '6011', '35']);
  let digits = prefix + chars(random, '0123456789', (prefix === '37' ? 15 : 16) - prefix.length - 1);
  // The check digit that makes the Luhn sum a multiple of 10.
  for (let check = 0; check <= 9; check++) {
    const candidate = digits + check;
    let sum = 0;
    for (let index = 0; index < candidate.length; index++) {
      let value = Number(candidate[candidate.length - 1 - index]);
      if (index % 2 === 1) {
        value *= 2;
        if (value > 9) value -= 9;
      }
      sum += value;
    }
    if (sum % 10 === 0) {
      digits = candidate;
      break;
    }
  }
  const format = random.int(0, 2);
  if (format === 0) return digits;
  const separator = format === 1 ? ' ' : '-';
  return digits.match(/.{1,4}/g)!.join(separator);
}

/** One secret of each built-in kind: [what is planted, the secret part that must never be exported]. */
const SECRET_MAKERS: ReadonlyArray<(random: Random) => [planted: string, secret: string]> = [
  (r) => same(`sk-ant-api03-${chars(r, URL_SAFE, 60)}AA`),
  (r) => same(`sk-proj-${chars(r, URL_SAFE, 48)}`),
  (r) => same(`sk-${chars(r, ALNUM, 48)}`),
  (r) => same(`AIza${chars(r, URL_SAFE, 35)}`),
  (r) => same(`AKIA${chars(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`),
  (r) => same(`ghp_${chars(r, ALNUM, 36)}`),
  (r) => same(`github_pat_${chars(r, `${ALNUM}_`, 60)}`),
  (r) => same(`hf_${chars(r, ALNUM, 34)}`),
  (r) => same(`xoxb-${chars(r, '0123456789', 12)}-${chars(r, ALNUM, 24)}`),
  (r) => same(`sk_live_${chars(r, ALNUM, 24)}`),
  (r) => same(`gsk_${chars(r, ALNUM, 52)}`),
  (r) => same(`xai-${chars(r, ALNUM, 80)}`),
  (r) => {
    const token = chars(r, `${ALNUM}-._~+/`, r.int(20, 60));
    return [`${r.pick(['Bearer', 'bearer', 'BEARER'])} ${token}`, token];
  },
  (r) =>
    same(
      `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(
        JSON.stringify({ sub: chars(r, ALNUM, 10), iat: r.int(1, 2e9) }),
      )}.${chars(r, URL_SAFE, 43)}`,
    ),
  (r) =>
    same(
      `${chars(r, 'abcdefghijklmnopqrstuvwxyz0123456789._+', r.int(1, 12))}x@${chars(r, 'abcdefghijklmnopqrstuvwxyz', r.int(2, 10))}.${r.pick(['com', 'org', 'co.uk', 'io', 'de'])}`,
    ),
  (r) => same(luhnCard(r)),
];

function same(secret: string): [string, string] {
  return [secret, secret];
}

const WORDS = [
  'the',
  'model',
  'said',
  'order',
  '2024',
  'id',
  '#42',
  'ok',
  'naïve',
  '日本語',
  '😀',
  'key:',
  '"',
  '\\',
  '\n',
];
const BEFORE = [' ', '\n', ': ', '"', '(', '=', ', ', '\t', "'", '<'];
const AFTER = [' ', '.', ',', '\n', '"', ')', '!', "'", '>', ''];

/** A piece of text with `count` secrets planted in it; records each secret in `planted`. */
function textWithSecrets(random: Random, count: number, planted: string[]): string {
  let text = '';
  for (let index = 0; index < count; index++) {
    for (let word = random.int(0, 6); word > 0; word--) text += `${random.pick(WORDS)} `;
    const [plant, secret] = random.pick(SECRET_MAKERS)(random);
    planted.push(secret);
    // Digits glued to a card number make a longer number, which is not one (documented); anything else may follow.
    const after = /^[0-9][0-9 -]*$/.test(plant) ? random.pick(AFTER.filter((text) => text !== '')) : random.pick(AFTER);
    text += `${random.pick(BEFORE)}${plant}${after}`;
  }
  for (let word = random.int(0, 4); word > 0; word--) text += `${random.pick(WORDS)} `;
  return text;
}

class Provider {
  modelId = 'fuzz-model';
  result: unknown;
  chunks: unknown[] = [];
  async chat(_request: object): Promise<unknown> {
    return this.result;
  }
  async *stream(_request: object): AsyncGenerator<unknown> {
    for (const chunk of this.chunks) yield chunk;
  }
  async generateFromContext(_action: unknown, _ctx: unknown, _options?: object): Promise<unknown> {
    return this.result;
  }
}
traceMethods(Provider, {
  chat: traceBackend('chat'),
  stream: traceBackend('chat'),
  generateFromContext: traceBackend('chat'),
});

class App {
  answer = '';
  async act(_action: unknown): Promise<unknown> {
    return { value: this.answer };
  }
}
traceMethods(App, { act: traceApplication('aact') });

/** Splits `text` into 1–6 deltas at random positions (a secret may be split). */
function deltas(random: Random, text: string): string[] {
  const cuts = Array.from({ length: random.int(0, 5) }, () => random.int(0, text.length)).sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  return pieces;
}

async function runConversation(random: Random, planted: string[]): Promise<void> {
  const provider = new Provider();
  const t = (count = random.int(1, 3)) => textWithSecrets(random, count, planted);
  const shape = random.int(0, 5);
  if (shape === 0) {
    // OpenAI: system + user with parts, assistant tool call (JSON string arguments), tool result; tools.
    provider.result = {
      choices: [{ index: 0, message: { role: 'assistant', content: t() }, finish_reason: 'stop' }],
    };
    await provider.chat({
      messages: [
        { role: 'system', content: t() },
        { role: 'user', content: [{ type: 'text', text: t() }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: JSON.stringify({ q: t() }) } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: t() },
      ],
      tools: [{ type: 'function', function: { name: 'f', description: t(1), parameters: {} } }],
    });
  } else if (shape === 1) {
    // Anthropic: system blocks, tool_use / tool_result; content-block output.
    provider.result = {
      role: 'assistant',
      content: [
        { type: 'text', text: t() },
        { type: 'tool_use', id: 'u2', name: 'g', input: { note: t(1) } },
      ],
      stop_reason: 'tool_use',
    };
    await provider.chat({
      system: [{ type: 'text', text: t() }],
      messages: [
        { role: 'user', content: t() },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'u1', name: 'g', input: { note: t(1) } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'u1', content: t() }] },
      ],
      tools: [{ name: 'g', description: t(1), input_schema: {} }],
    });
  } else if (shape === 2) {
    // Ollama: messages with object arguments; message output.
    provider.result = { message: { role: 'assistant', content: t() }, done: true, done_reason: 'stop' };
    await provider.chat({
      messages: [
        { role: 'user', content: t() },
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'h', arguments: { x: t(1) } } }] },
        { role: 'tool', content: t() },
      ],
    });
  } else if (shape === 3) {
    // OpenAI stream: the answer split into deltas anywhere (secrets included).
    provider.chunks = deltas(random, t(random.int(1, 4))).map((content) => ({
      choices: [{ index: 0, delta: { content } }],
    }));
    for await (const _ of provider.stream({ messages: [{ role: 'user', content: t() }] })) {
      // consume
    }
  } else if (shape === 4) {
    // Anthropic stream events, and the runtime's { delta } chunks.
    const text = t(random.int(1, 4));
    provider.chunks = [
      { type: 'message_start', message: { role: 'assistant' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ...deltas(random, text).map((piece) => ({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: piece },
      })),
      ...deltas(random, t(1)).map((delta) => ({ delta })),
      { type: 'message_delta', delta: { stop_reason: 'end_turn' } },
    ];
    for await (const _ of provider.stream({ messages: [{ role: 'user', content: t() }] })) {
      // consume
    }
  } else {
    // Runtime-shaped: a context of messages and an action; the application's response.
    provider.result = { value: t(), finishReasons: ['stop'] };
    await provider.generateFromContext(
      { toMessages: () => [{ role: 'user', content: t() }] },
      {
        size: 2,
        messages: () => [
          { role: 'user', content: t() },
          { role: 'assistant', content: t() },
        ],
      },
      { tools: [{ name: t(1) }] },
    );
    const app = new App();
    app.answer = t();
    await app.act({});
  }
}

/** Every exported string value: span attributes and event attributes. */
function exportedStrings(spans: readonly ReadableSpan[]): string[] {
  const values: string[] = [];
  const collect = (attributes: Record<string, unknown>) => {
    for (const value of Object.values(attributes)) {
      if (typeof value === 'string') values.push(value);
      else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') values.push(item);
    }
  };
  for (const span of spans) {
    collect(span.attributes);
    for (const event of span.events) collect(event.attributes ?? {});
  }
  return values;
}

/** The secret and, for long ones, every 16-character window of it (a fragment is a leak too). */
function leakProbes(secret: string): string[] {
  if (secret.length < 24) return [secret];
  const probes: string[] = [];
  for (let start = 0; start + 16 <= secret.length; start += 4) probes.push(secret.slice(start, start + 16));
  return probes;
}

describe('redaction fuzz: redactSecrets over generated conversations', () => {
  it.each([
    [256, 1],
    [700, 2],
    [2_000, 3],
    [16_384, 4],
  ])(
    `bound %i code points (seed %i): ${CONVERSATIONS / 4} conversations, no secret exported`,
    async (bound, seed) => {
      const tracing = createTestTracing({
        captureMessageContent: true,
        redact: redactSecrets,
        contentMaxCodePoints: bound,
      });
      const random = randomGenerator(seed);
      let checked = 0;
      let messageAttributes = 0;
      const leaks: string[] = [];
      try {
        for (let index = 0; index < CONVERSATIONS / 4; index++) {
          const planted: string[] = [];
          await runConversation(random, planted);
          const spans = tracing.spans;
          const exported = exportedStrings(spans).join('\u0000');
          for (const span of spans) if (span.attributes['gen_ai.input.messages'] !== undefined) messageAttributes++;
          for (const secret of planted) {
            checked++;
            for (const probe of leakProbes(secret)) {
              if (exported.includes(probe)) {
                const at = exported.indexOf(probe);
                leaks.push(
                  `${secret} (as ${probe}) in conversation ${index}: …${exported.slice(Math.max(0, at - 60), at + probe.length + 20)}…`,
                );
              }
            }
          }
          tracing.reset();
        }
      } finally {
        await tracing.shutdown();
      }
      expect(leaks.slice(0, 5)).toEqual([]);
      // The run really recorded content and planted secrets of every kind.
      expect(checked).toBeGreaterThan(CONVERSATIONS);
      expect(messageAttributes).toBeGreaterThan(CONVERSATIONS / 8);
    },
    120_000,
  );
});
