/**
 * Backend spans with and without `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`: the name and the
 * attribute keys for each result shape the decorators read (snapshots), then the values under the opt-in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  configureTelemetry,
  OPERATION_CHAT,
  OPERATION_TEXT_COMPLETION,
  readTelemetryConfig,
  traceBackend,
} from 'mellea-telemetry';
import { createTestTracing, type TestTracing } from 'mellea-telemetry/testing';

/** One in-memory tracing per describe block, with or without the opt-in. */
function useTracing(genAiLatestConventions: boolean): { current: TestTracing } {
  const holder = {} as { current: TestTracing };
  beforeAll(() => {
    holder.current = createTestTracing({ genAiLatestConventions });
  });
  afterEach(() => holder.current.reset());
  afterAll(() => holder.current.shutdown());
  return holder;
}

const RECORDED = join(__dirname, '..', 'clients', 'recorded');

/** The result shapes the backend conventions read (runtime, Mellea-like camelCase, OpenAI, Anthropic, batches). */
const RESULT_SHAPES: Record<string, unknown> = {
  'runtime ModelOutput (camelCase usage, finishReasons)': {
    value: 'hi',
    usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 },
    model: 'granite-4-h',
    id: 'r-1',
    finishReasons: ['stop'],
  },
  'OpenAI chat completion (prompt_tokens, details, choices[].finish_reason)': {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 20,
      completion_tokens: 5,
      total_tokens: 25,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 2 },
    },
  },
  'Anthropic message (input_tokens, cache_*_input_tokens, stop_reason as finish_reason)': {
    id: 'msg_1',
    type: 'message',
    model: 'claude-sonnet-4',
    finish_reason: 'end_turn',
    usage: { input_tokens: 30, output_tokens: 7, cache_read_input_tokens: 12, cache_creation_input_tokens: 4 },
  },
  'a bare string': 'just text',
  // The official SDKs' shapes (issue 9's recorded response bodies), each read by convention.
  ...Object.fromEntries(
    readdirSync(RECORDED)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => [
        `recorded ${file}`,
        (JSON.parse(readFileSync(join(RECORDED, file), 'utf8')) as { result: unknown }).result,
      ]),
  ),
};

class Backend {
  modelId = 'granite-4-h';
  baseURL = 'https://user:pass@models.example.com/v1';
  constructor(private readonly result: unknown) {}
  @traceBackend(OPERATION_CHAT)
  async chat(_action: unknown, _ctx: unknown, _options?: unknown): Promise<unknown> {
    return this.result;
  }
  @traceBackend(OPERATION_TEXT_COMPLETION)
  async complete(_actions: unknown[], _options?: unknown): Promise<unknown> {
    return [this.result, this.result];
  }
  @traceBackend(OPERATION_CHAT)
  async *stream(_action: unknown, _ctx: unknown, _options?: unknown): AsyncGenerator<unknown> {
    yield { delta: 'Hel', id: 'r-9', model: 'granite-4-h' };
    yield { delta: 'lo' };
    yield { delta: '', usage: { inputTokens: 4, outputTokens: 2, totalTokens: 6 }, finishReasons: ['stop'] };
  }
}

class Message {
  constructor(readonly content: string) {}
}

const OPTIONS = { temperature: 0.2, maxTokens: 64, topP: 0.9, seed: 7, stop: ['\n\n'], format: { type: 'object' } };

function shape(span: ReadableSpan): { name: string; kind: string; keys: string[] } {
  return { name: span.name, kind: SpanKind[span.kind], keys: Object.keys(span.attributes).sort() };
}

async function runAll(tracing: TestTracing, result: unknown): Promise<Record<string, ReturnType<typeof shape>>> {
  const backend = new Backend(result);
  await backend.chat(new Message('hi'), { size: 2 }, OPTIONS);
  await backend.complete([new Message('a'), new Message('b')], { maxTokens: 10 });
  for await (const _chunk of backend.stream(new Message('hi'), { size: 0 }));
  const [chat, complete, stream] = tracing.spans;
  tracing.reset();
  return { chat: shape(chat!), text_completion: shape(complete!), stream: shape(stream!) };
}

describe.each([
  ['default (the seed’s conventions)', false],
  ['gen_ai_latest_experimental', true],
])('%s', (_label, latest) => {
  const tracing = useTracing(latest);

  it.each(Object.keys(RESULT_SHAPES))('%s', async (name) => {
    const spans = await runAll(tracing.current, RESULT_SHAPES[name]);
    expect(spans).toMatchSnapshot();
  });
});

describe('values under the opt-in', () => {
  const tracing = useTracing(true);

  it('chat: name, provider, request parameters, server, cache and reasoning tokens, total moved', async () => {
    class OpenAIBackend extends Backend {}
    await new OpenAIBackend(
      RESULT_SHAPES['OpenAI chat completion (prompt_tokens, details, choices[].finish_reason)'],
    ).chat(
      new Message('hi'),
      { size: 1, conversationId: 'conv-42' },
      { ...OPTIONS, frequencyPenalty: 0.5, presence_penalty: 0.1, top_k: 40, n: 2 },
    );
    const span = tracing.current.span('chat granite-4-h');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'granite-4-h',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['\n\n'],
      'gen_ai.request.frequency_penalty': 0.5,
      'gen_ai.request.presence_penalty': 0.1,
      'gen_ai.request.choice.count': 2,
      'gen_ai.output.type': 'json',
      'gen_ai.conversation.id': 'conv-42',
      'server.address': 'models.example.com',
      'server.port': 443,
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.cache_read.input_tokens': 8,
      'gen_ai.usage.reasoning.output_tokens': 2,
      'mellea.usage.total_tokens': 25,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(span.attributes['gen_ai.system']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.total_tokens']).toBeUndefined();
    expect(JSON.stringify(span.attributes)).not.toContain('pass');
  });

  it('Anthropic usage: cache read and creation; choice.count 1 and no format are left out', async () => {
    class AnthropicBackend extends Backend {}
    await new AnthropicBackend(
      RESULT_SHAPES['Anthropic message (input_tokens, cache_*_input_tokens, stop_reason as finish_reason)'],
    ).chat(new Message('hi'), [], { n: 1 });
    const span = tracing.current.span('chat granite-4-h');
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.cache_read.input_tokens': 12,
      'gen_ai.usage.cache_creation.input_tokens': 4,
    });
    expect(span.attributes['gen_ai.request.choice.count']).toBeUndefined();
    expect(span.attributes['gen_ai.output.type']).toBeUndefined();
  });

  it('providers: watsonx → ibm.watsonx.ai; well-known kept; a custom one keeps its value; the model-less name', async () => {
    class WatsonxBackend extends Backend {}
    class OllamaModelBackend extends Backend {}
    class Modelless {
      @traceBackend(OPERATION_CHAT)
      async chat(): Promise<string> {
        return 'x';
      }
    }
    await new WatsonxBackend('x').chat({}, []);
    await new OllamaModelBackend('x').chat({}, []);
    await new Modelless().chat();
    expect(tracing.current.spans.map((span) => [span.name, span.attributes['gen_ai.provider.name']])).toEqual([
      ['chat granite-4-h', 'ibm.watsonx.ai'],
      ['chat granite-4-h', 'ollama'],
      ['chat', 'Modelless'],
    ]);
  });

  it('a stream: gen_ai.request.stream, time to first chunk (s), the chunks’ finish reasons', async () => {
    for await (const _chunk of new Backend('x').stream({}, []));
    const span = tracing.current.span('chat granite-4-h');
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['stop'],
      'mellea.usage.total_tokens': 6,
    });
    const ttfc = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(ttfc).toBeGreaterThanOrEqual(0);
    expect(ttfc).toBeLessThanOrEqual(span.duration[0] + span.duration[1] / 1e9);
  });

  it('a stream cancelled or failed before its final event: finish reasons ["error"]', async () => {
    const backend = new Backend('x');
    for await (const _chunk of backend.stream({}, [])) break;
    class Failing {
      @traceBackend(OPERATION_CHAT)
      async *stream(): AsyncGenerator<unknown> {
        yield { delta: 'a' };
        throw new Error('reset');
      }
    }
    await expect(
      (async () => {
        for await (const _chunk of new Failing().stream());
      })(),
    ).rejects.toThrow('reset');
    expect(tracing.current.spans.map((span) => span.attributes['gen_ai.response.finish_reasons'])).toEqual([
      ['error'],
      ['error'],
    ]);
  });

  it('application spans keep their names and attributes; a non-stream failure keeps its finish reasons out', async () => {
    class Failing {
      @traceBackend(OPERATION_CHAT)
      async chat(): Promise<never> {
        throw new Error('no');
      }
    }
    await expect(new Failing().chat()).rejects.toThrow('no');
    expect(tracing.current.span('chat').attributes['gen_ai.response.finish_reasons']).toBeUndefined();
  });

  it('configureTelemetry({ genAiLatestConventions }) and the environment set the switch', () => {
    expect(
      readTelemetryConfig({ OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' }).genAiLatestConventions,
    ).toBe(true);
    expect(configureTelemetry({ genAiLatestConventions: true }).genAiLatestConventions).toBe(true);
    configureTelemetry({});
  });
});
