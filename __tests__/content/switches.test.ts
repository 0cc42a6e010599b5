/**
 * Message capture is opt-in, and MELLEA_TRACE_CONTENT=false wins over it: with capture off, content off or the
 * span sampled out, no message attribute is recorded and — counted with getters — no message is even read.
 */
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import {
  configureTelemetry,
  isMessageCaptureEnabled,
  readTelemetryConfig,
  reloadTelemetryConfig,
  traceApplication,
  traceBackend,
} from 'mellea-telemetry';
import { createTestTracing, type TestTracingOptions } from 'mellea-telemetry/testing';
import { isContentAttribute } from '../../src/content/record';
import * as semconv from '../../src/semconv';
import { CONTENT_ATTRIBUTES } from '../../src/semconv';
import { resetWarnings } from '../../src/warnings';
import { captureWarnings } from '../support/warnings';

const warnings = captureWarnings();
beforeEach(() => resetWarnings());

/** A conversation whose every content read is counted, including `toMessages()` and `messages()`. */
function countedConversation() {
  const reads = { count: 0 };
  const counted = (role: string, content: string) => ({
    get role() {
      reads.count++;
      return role;
    },
    get content() {
      reads.count++;
      return content;
    },
  });
  const messages = [counted('system', 'be kind'), counted('user', 'hello'), counted('assistant', 'hi')];
  const request = {
    model: 'm',
    get messages() {
      reads.count++;
      return messages;
    },
    get system() {
      reads.count++;
      return 'sys';
    },
    get tools() {
      reads.count++;
      return [{ name: 't' }];
    },
  };
  const ctx = {
    size: 3,
    messages() {
      reads.count++;
      return messages;
    },
  };
  const action = {
    toMessages() {
      reads.count++;
      return [counted('user', 'act')];
    },
  };
  // `choices[].finish_reason` is read by the finish-reason convention whatever the switches: only the message
  // inside is content.
  const result = {
    choices: [
      {
        get message() {
          reads.count++;
          return counted('assistant', 'answer');
        },
        finish_reason: 'stop',
      },
    ],
    get content() {
      reads.count++;
      return 'answer';
    },
    get message() {
      reads.count++;
      return counted('assistant', 'answer');
    },
  };
  return { reads, request, ctx, action, result };
}

class Backend {
  modelId = 'm';
  constructor(private readonly result: unknown) {}
  @traceBackend('chat')
  async create(_request: object): Promise<unknown> {
    return this.result;
  }
  @traceBackend('chat')
  async generateFromContext(_action: unknown, _ctx: unknown): Promise<unknown> {
    return this.result;
  }
  @traceBackend('chat')
  async *stream(_request: object): AsyncGenerator<unknown> {
    yield this.result;
  }
}

class Session {
  @traceApplication('aact')
  async act(_action: unknown): Promise<unknown> {
    return { value: 'the answer' };
  }
}

const MESSAGE_KEYS = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
];

async function runAll(options: TestTracingOptions) {
  const tracing = createTestTracing(options);
  const conversation = countedConversation();
  try {
    const backend = new Backend(conversation.result);
    await backend.create(conversation.request);
    await backend.generateFromContext(conversation.action, conversation.ctx);
    for await (const _ of backend.stream(conversation.request)) {
      // consume
    }
    await new Session().act({});
    const spans = tracing.spans;
    return { spans, reads: conversation.reads.count };
  } finally {
    await tracing.shutdown();
  }
}

describe('capture switches', () => {
  it('capture on (control): the attributes are there and the messages were read', async () => {
    const { spans, reads } = await runAll({ captureMessageContent: true });
    expect(reads).toBeGreaterThan(10);
    const chat = spans.filter((span) => span.name === 'chat');
    expect(chat).toHaveLength(3);
    for (const span of chat) expect(span.attributes['gen_ai.output.messages']).toBeDefined();
    expect(chat[0]!.attributes['gen_ai.input.messages']).toBeDefined();
    expect(chat[0]!.attributes['gen_ai.tool.definitions']).toBeDefined();
  });

  it('capture off (the default): no message attribute and not one content read', async () => {
    const { spans, reads } = await runAll({});
    expect(reads).toBe(0);
    for (const span of spans) for (const key of MESSAGE_KEYS) expect(span.attributes[key]).toBeUndefined();
    // The spans themselves are all there, with their other attributes.
    expect(spans.filter((span) => span.name === 'chat')).toHaveLength(3);
    expect(spans.find((span) => span.name === 'aact')!.attributes['response']).toBe('the answer');
  });

  it('content off beats capture on: no message attribute, no response, not one read', async () => {
    const { spans, reads } = await runAll({ captureMessageContent: true, content: false });
    expect(reads).toBe(0);
    for (const span of spans) {
      for (const key of [...MESSAGE_KEYS, 'response']) expect(span.attributes[key]).toBeUndefined();
    }
  });

  it('content off also drops content attributes a decorator option writes by hand', async () => {
    const tracing = createTestTracing({ captureMessageContent: true, content: false });
    try {
      class Manual {
        @traceBackend('chat', { attributes: { 'gen_ai.input.messages': '[{"role":"user","parts":[]}]', other: 1 } })
        async call(): Promise<void> {}
      }
      await new Manual().call();
      expect(tracing.span('chat').attributes['gen_ai.input.messages']).toBeUndefined();
      expect(tracing.span('chat').attributes['other']).toBe(1);
    } finally {
      await tracing.shutdown();
    }
  });

  it('content off drops every content attribute whatever its value type: numbers, booleans, arrays too', async () => {
    const tracing = createTestTracing({ captureMessageContent: true, content: false });
    try {
      const byHand = {
        response: 42,
        'gen_ai.input.messages': true,
        'gen_ai.output.messages': ['a', 'b'],
        'gen_ai.system_instructions': 'be brief',
        'gen_ai.tool.definitions': { name: 'search' },
        'gen_ai.evaluation.explanation': 0,
        other: 1,
        flag: false,
      };
      class Manual {
        @traceBackend('chat', { attributes: byHand })
        async call(): Promise<void> {}
      }
      await new Manual().call();
      expect(tracing.span('chat').attributes).toMatchObject({ other: 1, flag: false });
      for (const key of CONTENT_ATTRIBUTES) expect(tracing.span('chat').attributes[key]).toBeUndefined();
    } finally {
      await tracing.shutdown();
    }
  });

  it('isContentAttribute (the gate asks it for every attribute) names exactly CONTENT_ATTRIBUTES', () => {
    const values: unknown[] = Object.values(semconv);
    const names = values.filter((value): value is string => typeof value === 'string');
    expect(names.filter((name) => isContentAttribute(name)).sort()).toEqual([...CONTENT_ATTRIBUTES].sort());
    // A key built at run time (not an interned literal) is recognised too; a near miss is not.
    expect(isContentAttribute(['resp', 'onse'].join(''))).toBe(true);
    expect(isContentAttribute('response ')).toBe(false);
    expect(isContentAttribute('gen_ai.input.message')).toBe(false);
  });

  it('sampled out: nothing is read', async () => {
    const { spans, reads } = await runAll({ captureMessageContent: true, sampler: new AlwaysOffSampler() });
    expect(spans).toHaveLength(0);
    expect(reads).toBe(0);
  });

  it('sampled out with metrics on: the call is observed for its metrics, its messages are still not read', async () => {
    let redacted = 0;
    const tracing = createTestTracing({
      captureMessageContent: true,
      sampler: new AlwaysOffSampler(),
      metrics: true,
      redact: (_key, value) => {
        redacted++;
        return value;
      },
    });
    const conversation = countedConversation();
    try {
      const backend = new Backend(conversation.result);
      await backend.create(conversation.request);
      await backend.generateFromContext(conversation.action, conversation.ctx);
      await new Session().act({});
      expect(conversation.reads.count).toBe(0);
      for await (const _ of backend.stream(conversation.request)) {
        // consume
      }
      // The one read of a stream: time to first chunk asks whether the chunk carries content (its `content`).
      expect(conversation.reads.count).toBe(1);
      expect(tracing.spans).toHaveLength(0);
      expect(redacted).toBe(0);
      const durations = await tracing.metric('gen_ai.client.operation.duration');
      expect(durations.reduce((sum, point) => sum + (point.count ?? 0), 0)).toBe(3);
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT and the option', () => {
  const NAME = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['span_only', true],
    ['SPAN_ONLY', true],
    ['false', false],
    ['none', false],
    ['', false],
  ])('%j → %s, no warning', (raw, expected) => {
    expect(readTelemetryConfig({ [NAME]: raw }).captureMessageContent).toBe(expected);
    expect(warnings).toEqual([]);
  });

  it('defaults to off', () => {
    expect(readTelemetryConfig({}).captureMessageContent).toBe(false);
  });

  it.each([
    ['span_and_event', true, 'events are not emitted'],
    ['event_only', false, 'events are not emitted'],
    ['maybe', false, 'not a recognised value'],
  ])('%j → %s with one warning', (raw, expected, text) => {
    expect(readTelemetryConfig({ [NAME]: raw }).captureMessageContent).toBe(expected);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(text);
  });

  it('the configureTelemetry option wins over the variable; MELLEA_TRACE_CONTENT=false wins over both', () => {
    const saved = { ...process.env };
    try {
      process.env[NAME] = 'false';
      configureTelemetry({ captureMessageContent: true });
      expect(isMessageCaptureEnabled()).toBe(true);
      process.env['MELLEA_TRACE_CONTENT'] = 'false';
      configureTelemetry({ captureMessageContent: true });
      expect(isMessageCaptureEnabled()).toBe(false);
      delete process.env['MELLEA_TRACE_CONTENT'];
      process.env[NAME] = 'true';
      configureTelemetry({});
      expect(isMessageCaptureEnabled()).toBe(true);
    } finally {
      process.env = saved;
      configureTelemetry({});
      reloadTelemetryConfig();
    }
    expect(isMessageCaptureEnabled()).toBe(false);
  });

  it('MELLEA_TRACE_CONTENT_MAX_LENGTH sets the bound (256 to 1048576, clamped like every bounded setting); a bad value warns once', () => {
    expect(readTelemetryConfig({}).contentMaxCodePoints).toBe(16_384);
    expect(readTelemetryConfig({ MELLEA_TRACE_CONTENT_MAX_LENGTH: '4096' }).contentMaxCodePoints).toBe(4096);
    expect(readTelemetryConfig({ MELLEA_TRACE_CONTENT_MAX_LENGTH: '12' }).contentMaxCodePoints).toBe(256);
    expect(warnings).toHaveLength(1);
    expect(readTelemetryConfig({ MELLEA_TRACE_CONTENT_MAX_LENGTH: 'lots' }).contentMaxCodePoints).toBe(16_384);
    expect(warnings).toHaveLength(2);
    expect(readTelemetryConfig({}, { contentMaxCodePoints: 1_000 }).contentMaxCodePoints).toBe(1_000);
    expect(() => readTelemetryConfig({}, { contentMaxCodePoints: 12 })).toThrow(RangeError);
  });
});
