import { SpanKind } from '@opentelemetry/api';
import { backendInfo, providerNameFromClass, traceBackend } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';
import { ChatContext, Instruction, JsonFormat, Message, modelOutput } from '../support/fixtures';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

class OllamaModelBackend {
  modelId = 'granite4.1:3b';

  @traceBackend('chat')
  async generateFromContext(_action: unknown, _ctx: unknown, _options?: object): Promise<unknown> {
    return modelOutput('hello');
  }

  @traceBackend('text_completion')
  async generateFromRaw(actions: unknown[], _options?: object): Promise<unknown> {
    return actions.map((_, index) =>
      modelOutput(`r${index}`, {
        usage: { inputTokens: 10, outputTokens: 5 },
        finishReasons: [index === 0 ? 'stop' : 'length'],
      }),
    );
  }

  @traceBackend()
  async inferred(_first: unknown, _ctx?: unknown): Promise<unknown> {
    return {};
  }
}

describe('backend spans (spec tables "Backend spans")', () => {
  it('records every Gen-AI and mellea attribute of a chat call', async () => {
    await new OllamaModelBackend().generateFromContext(new Message('user', 'hi'), new ChatContext([1, 2]), {
      format: JsonFormat,
      tools: [{ name: 'search' }],
    });
    const span = tracing.span('chat');
    expect(span.instrumentationScope.name).toBe('mellea.backend');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      'gen_ai.system': 'ollama',
      'gen_ai.request.model': 'granite4.1:3b',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 150,
      'gen_ai.usage.output_tokens': 42,
      'gen_ai.usage.total_tokens': 192,
      'gen_ai.response.model': 'granite4.1:3b-q4',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.id': 'resp-1',
      'mellea.backend': 'OllamaModelBackend',
      'mellea.action_type': 'Message',
      'mellea.context_size': 2,
      'mellea.has_format': true,
      'mellea.format_type': 'JsonFormat',
      'mellea.tool_calls_enabled': true,
    });
  });

  it('records text_completion with mellea.num_actions and usage summed over the batch', async () => {
    await new OllamaModelBackend().generateFromRaw([new Instruction('a'), new Instruction('b'), new Instruction('c')]);
    const span = tracing.span('text_completion');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'mellea.num_actions': 3,
      'mellea.action_type': 'Instruction',
      'mellea.has_format': false,
      'mellea.tool_calls_enabled': false,
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 15,
      'gen_ai.usage.total_tokens': 45,
      'gen_ai.response.finish_reasons': ['stop', 'length', 'length'],
    });
    expect(span.attributes['mellea.context_size']).toBeUndefined();
  });

  it('infers the operation from the arguments when the decorator names none', async () => {
    const backend = new OllamaModelBackend();
    await backend.inferred(new Message('user', 'x'), new ChatContext());
    await backend.inferred([new Instruction('y')]);
    expect(tracing.spans.map((span) => [span.name, span.attributes['gen_ai.operation.name']])).toEqual([
      ['chat', 'chat'],
      ['text_completion', 'text_completion'],
    ]);
  });

  it.each([
    ['OpenAI-style usage', { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 11 } }, [7, 3, 11]],
    ['snake_case usage, total derived', { usage: { input_tokens: 4, output_tokens: 6 } }, [4, 6, 10]],
    ['camelCase usage with total', { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 99 } }, [1, 2, 99]],
  ])('reads %s', async (_label, result, [input, output, total]) => {
    class B {
      @traceBackend('chat')
      run(): unknown {
        return result;
      }
    }
    new B().run();
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
      'gen_ai.usage.total_tokens': total,
    });
  });

  it('reads an OpenAI chat.completion body as returned by the API', async () => {
    class OpenAIBackend {
      model = 'gpt-4o';
      @traceBackend('chat')
      async raw(): Promise<unknown> {
        return {
          id: 'chatcmpl-123',
          object: 'chat.completion',
          model: 'gpt-4o-2024-08-06',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
        };
      }
    }
    await new OpenAIBackend().raw();
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.id': 'chatcmpl-123',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.total_tokens': 21,
    });
  });

  it('tool_calls_enabled follows options.toolCalls and a non-empty tools list', async () => {
    const backend = new OllamaModelBackend();
    for (const options of [{ toolCalls: true }, { tools: [] }, { tools: [{}] }, {}]) {
      await backend.generateFromContext(new Message('user', 'x'), new ChatContext(), options);
    }
    expect(tracing.spans.map((span) => span.attributes['mellea.tool_calls_enabled'])).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it.each([
    [{ title: 'Person', type: 'object' }, 'Person'],
    [{ type: 'object' }, 'object'],
    ['json', 'json'],
  ])('names the format %j as %s', async (format, expected) => {
    await new OllamaModelBackend().generateFromContext(new Message('user', 'x'), new ChatContext(), { format });
    expect(tracing.span('chat').attributes['mellea.format_type']).toBe(expected);
  });
});

describe('gen_ai.system mapping (the spec rule, in order)', () => {
  it.each([
    ['OpenAIBackend', 'openai'],
    ['AzureOpenAILiteLLMBackend', 'openai'],
    ['OllamaModelBackend', 'ollama'],
    ['LocalHFBackend', 'huggingface'],
    ['HuggingFaceBackend', 'huggingface'],
    ['WatsonxAIBackend', 'watsonx'],
    ['LiteLLMBackend', 'litellm'],
    ['MyCustomBackend', 'MyCustomBackend'],
  ])('%s → %s', async (className, expected) => {
    expect(providerNameFromClass(className)).toBe(expected);
    const Named = { [className]: class {} }[className]!;
    class Backend extends Named {
      @traceBackend('chat')
      run(): void {}
    }
    Object.defineProperty(Backend, 'name', { value: className });
    new Backend().run();
    expect(tracing.span('chat').attributes['gen_ai.system']).toBe(expected);
  });
});

describe('attribute precedence: options > metadata > conventions', () => {
  @backendInfo({ system: 'acme-llm', model: 'acme-large', attributes: { 'acme.region': 'eu' } })
  class AcmeBackend {
    modelId = 'from-instance';
    @traceBackend('chat')
    run(_a?: unknown): unknown {
      return {};
    }
    @traceBackend('chat', { system: 'explicit', attributes: (_self, args) => ({ 'acme.arg': String(args[0]) }) })
    runExplicit(_a?: unknown): unknown {
      return {};
    }
  }
  class SubAcme extends AcmeBackend {}

  it('class metadata beats the class-name rule and instance properties', () => {
    new AcmeBackend().run();
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.system': 'acme-llm',
      'gen_ai.request.model': 'acme-large',
      'acme.region': 'eu',
      'mellea.backend': 'AcmeBackend',
    });
  });

  it('decorator options beat metadata; subclasses inherit the class metadata', () => {
    new SubAcme().runExplicit('x');
    expect(tracing.span('chat').attributes).toMatchObject({
      'gen_ai.system': 'explicit',
      'gen_ai.request.model': 'acme-large',
      'acme.arg': 'x',
      'mellea.backend': 'SubAcme',
    });
  });

  it('resultAttributes from options are added and win over conventions', async () => {
    class B {
      @traceBackend('chat', {
        resultAttributes: (result: { tokens: number }) => ({ 'gen_ai.usage.output_tokens': result.tokens }),
      })
      async run(): Promise<{ tokens: number; usage: object }> {
        return { tokens: 77, usage: { inputTokens: 1, outputTokens: 2 } };
      }
    }
    await new B().run();
    expect(tracing.span('chat').attributes['gen_ai.usage.output_tokens']).toBe(77);
    expect(tracing.span('chat').attributes['gen_ai.usage.input_tokens']).toBe(1);
  });
});
