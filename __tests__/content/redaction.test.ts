/**
 * The `redact` hook: it sees every content attribute parsed, before serialisation, on every path; what it
 * returns is recorded, `undefined` drops the attribute, and a throw drops it too — never recorded unredacted —
 * with one warning and no effect on the program. Plus the built-in secrets redactor, kind by kind.
 */
import {
  type ContentRedactor,
  composeRedactors,
  passesLuhn,
  redactSecrets,
  scrubSecrets,
  traceApplication,
  traceBackend,
} from 'mellea-telemetry';
import { createTestTracing, type TestTracingOptions } from 'mellea-telemetry/testing';
import { resetWarnings } from '../../src/warnings';
import { captureWarnings } from '../support/warnings';

const warnings = captureWarnings();
beforeEach(() => resetWarnings());

class Backend {
  @traceBackend('chat')
  async create(_request: object): Promise<unknown> {
    return {
      choices: [{ message: { role: 'assistant', content: 'reply to alice@example.com' }, finish_reason: 'stop' }],
    };
  }
  @traceBackend('chat')
  async *stream(_request: object): AsyncGenerator<unknown> {
    yield { choices: [{ index: 0, delta: { content: 'token sk-proj-abcdefghij' } }] };
    yield { choices: [{ index: 0, delta: { content: 'klmnopqrstuvwxyz0123 done' } }] };
  }
}

class Session {
  @traceApplication('aact')
  async act(_action: unknown): Promise<{ value: string }> {
    return { value: 'call me at bob@example.org' };
  }
}

const REQUEST = {
  system: 'secret system',
  messages: [{ role: 'user', content: 'my card is 4111 1111 1111 1111' }],
  tools: [{ name: 'lookup', description: 'd' }],
};

async function withTracing(
  options: TestTracingOptions,
  run: (tracing: ReturnType<typeof createTestTracing>) => Promise<void>,
) {
  const tracing = createTestTracing({ captureMessageContent: true, ...options });
  try {
    await run(tracing);
  } finally {
    await tracing.shutdown();
  }
}

describe('the redact hook', () => {
  it('sees each content attribute parsed (before serialisation), on backend, stream and application spans', async () => {
    const seen: Array<[string, unknown]> = [];
    const redact: ContentRedactor = (key, value) => {
      seen.push([key, value]);
      return value;
    };
    await withTracing({ redact }, async () => {
      await new Backend().create(REQUEST);
      for await (const _ of new Backend().stream(REQUEST)) {
        // consume
      }
      await new Session().act({});
    });
    const keys = seen.map(([key]) => key);
    expect(keys.filter((key) => key === 'gen_ai.input.messages')).toHaveLength(2);
    expect(keys.filter((key) => key === 'gen_ai.output.messages')).toHaveLength(2);
    expect(keys).toEqual(expect.arrayContaining(['gen_ai.system_instructions', 'gen_ai.tool.definitions', 'response']));
    const input = seen.find(([key]) => key === 'gen_ai.input.messages')![1];
    expect(input).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'my card is 4111 1111 1111 1111' }] }]);
    // The stream's value is the concatenation, so a secret split across deltas is seen whole.
    const streamed = seen.filter(([key]) => key === 'gen_ai.output.messages')[1]![1] as any[];
    expect(streamed[0].parts[0].content).toBe('token sk-proj-abcdefghijklmnopqrstuvwxyz0123 done');
  });

  it('records what it returns, and drops what it returns undefined for', async () => {
    const redact: ContentRedactor = (key, value) =>
      key === 'gen_ai.system_instructions' ? undefined : key === 'response' ? 'hidden' : value;
    await withTracing({ redact }, async (tracing) => {
      await new Backend().create(REQUEST);
      await new Session().act({});
      expect(tracing.span('chat').attributes['gen_ai.system_instructions']).toBeUndefined();
      expect(tracing.span('chat').attributes['gen_ai.input.messages']).toBeDefined();
      expect(tracing.span('aact').attributes['response']).toBe('hidden');
    });
  });

  it('a throwing redactor: the attributes are absent, one warning (without the content), the program unaffected', async () => {
    const redact: ContentRedactor = (_key, value) => {
      throw new Error(`cannot handle ${JSON.stringify(value)}`);
    };
    await withTracing({ redact }, async (tracing) => {
      const backend = new Backend();
      await expect(backend.create(REQUEST)).resolves.toEqual({
        choices: [{ message: { role: 'assistant', content: 'reply to alice@example.com' }, finish_reason: 'stop' }],
      });
      await backend.create(REQUEST);
      const chunks: unknown[] = [];
      for await (const chunk of backend.stream(REQUEST)) chunks.push(chunk);
      expect(chunks).toHaveLength(2);
      await expect(new Session().act({})).resolves.toEqual({ value: 'call me at bob@example.org' });
      for (const span of tracing.spans) {
        for (const key of Object.keys(span.attributes)) {
          expect([
            'gen_ai.input.messages',
            'gen_ai.output.messages',
            'response',
            'gen_ai.tool.definitions',
          ]).not.toContain(key);
        }
      }
      // The spans keep their other attributes.
      expect(tracing.spansNamed('chat')).toHaveLength(3);
      expect(tracing.spansNamed('chat')[0]!.attributes['gen_ai.operation.name']).toBe('chat');
    });
    // One warning per attribute name, none repeated, none quoting the content.
    expect(new Set(warnings).size).toBe(warnings.length);
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) {
      expect(warning).toContain('redact hook threw');
      expect(warning).not.toContain('4111');
      expect(warning).not.toContain('example');
    }
  });

  it('runs with content capture off too, for the response attribute', async () => {
    await withTracing({ captureMessageContent: false, redact: redactSecrets }, async (tracing) => {
      await new Session().act({});
      expect(tracing.span('aact').attributes['response']).toBe('call me at [REDACTED:email]');
    });
  });

  it('a secret at the 500-code-point cut of `response` is redacted whole, not left as a fragment', async () => {
    class Long {
      @traceApplication('aact')
      async act(): Promise<string> {
        return `${'x'.repeat(480)} sk-proj-${'A'.repeat(40)}`;
      }
    }
    await withTracing({ redact: redactSecrets }, async (tracing) => {
      await new Long().act();
      const response = tracing.span('aact').attributes['response'] as string;
      expect(response).not.toContain('sk-proj-');
      expect(response).toContain('[REDACTED');
    });
  });

  it('composeRedactors runs each in order; undefined from one drops the attribute', () => {
    const upper: ContentRedactor = (_key, value) => String(value).toUpperCase();
    const dropShort: ContentRedactor = (_key, value) => (String(value).length < 4 ? undefined : value);
    const both = composeRedactors(redactSecrets, upper, dropShort);
    expect(both('response', 'mail a@b.io now')).toBe('MAIL [REDACTED:EMAIL] NOW');
    expect(both('response', 'ab')).toBeUndefined();
  });
});

describe('redactSecrets, kind by kind', () => {
  it.each([
    ['anthropic_key', 'key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345 end'],
    ['openai_key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345 end'],
    ['openai_key', 'OPENAI_API_KEY=sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd'],
    ['google_key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
    ['aws_access_key', 'id AKIAIOSFODNN7EXAMPLE.'],
    ['github_token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['huggingface_token', 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH'],
    ['slack_token', 'xoxb-123456789012-abcdefghijkl'],
    ['stripe_key', 'sk_live_abcdefghijklmnop1234'],
    ['groq_key', `gsk_${'a1'.repeat(26)}`],
    ['xai_key', `xai-${'b2'.repeat(40)}`],
    ['bearer_token', 'Authorization: Bearer abc.def-ghi_jkl~mno+pq/rs=='],
    ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['email', 'write to first.last+tag@mail.example.co.uk today'],
    ['credit_card', 'card 4111-1111-1111-1111 exp'],
    ['credit_card', 'order 2024 5500 0055 5555 5559 thanks'],
  ])('%s: %s', (kind, text) => {
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).toContain(`[REDACTED:${kind}]`);
  });

  it('leaves ordinary text alone: words with sk- inside, numbers failing the Luhn check, short tokens', () => {
    for (const text of [
      'the task-force-members-list-is-long-enough',
      'order 4111 1111 1111 1112',
      'Bearer of bad news',
      'version 1.2.3 at 10:45',
      'no secrets here',
    ]) {
      expect(scrubSecrets(text)).toBe(text);
    }
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });

  it('walks every string of a parsed attribute (tool arguments, keys too) without changing the original', () => {
    const messages = [
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'c', name: 'send', arguments: { 'to:a@b.io': ['x@y.org', 42, null] } }],
      },
    ];
    const copy = JSON.parse(JSON.stringify(messages));
    const redacted = redactSecrets('gen_ai.output.messages', messages);
    expect(redacted).toEqual([
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: 'c',
            name: 'send',
            arguments: { 'to:[REDACTED:email]': ['[REDACTED:email]', 42, null] },
          },
        ],
      },
    ]);
    expect(messages).toEqual(copy);
  });
});
