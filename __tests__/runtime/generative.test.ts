import { SpanStatusCode } from '@opentelemetry/api';
import { generative } from 'mellea-telemetry';
import {
  type Action,
  FormatError,
  type GenerateOptions,
  type GenerationContext,
  type ModelOutput,
  ScriptedBackend,
  Session,
  type StandardSchemaLike,
} from 'mellea-telemetry/runtime';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { z } from 'zod';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

/** Records the options each generation got (its traced parent method still makes the chat span). */
class RecordingBackend extends ScriptedBackend {
  readonly options: (GenerateOptions | undefined)[] = [];
  override generateFromContext(
    action: Action,
    ctx: GenerationContext,
    options?: GenerateOptions,
  ): Promise<ModelOutput> {
    this.options.push(options);
    return super.generateFromContext(action, ctx, options);
  }
}

const sentimentSchema = {
  title: 'Sentiment',
  type: 'object',
  properties: {
    label: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
  required: ['label', 'confidence'],
  additionalProperties: false,
} as const;

const Entities = z.object({
  entities: z.array(z.object({ name: z.string(), type: z.enum(['person', 'location', 'organization']) })),
});

class Analyst {
  constructor(readonly session: Session) {}

  @generative({ description: 'Classify the sentiment of the text', format: sentimentSchema })
  async sentiment(text: string): Promise<{ label: string; confidence: number }> {
    throw new Error(`the body is not run (${text})`);
  }

  @generative({ description: 'Extract the named entities of the text', format: Entities })
  async entities(text: string): Promise<z.infer<typeof Entities>> {
    throw new Error(`the body is not run (${text})`);
  }

  @generative({ description: 'Say the sentiment in one word' })
  async mood(text: string): Promise<string> {
    throw new Error(`the body is not run (${text})`);
  }
}

describe('@generative through the session', () => {
  it('a JSON-schema format: the output is parsed and validated, and the schema reaches the backend', async () => {
    const backend = new RecordingBackend();
    const analyst = new Analyst(new Session(backend));
    const value = await analyst.sentiment('I love this wonderful tea');

    expect(value).toEqual({ label: 'positive', confidence: 0.9 });
    expect(backend.options[0]).toEqual({ format: sentimentSchema, jsonSchema: sentimentSchema });
    expect(spanShape(tracing.tree())).toEqual([['aact', [['chat']]]]);
    expect(tracing.span('aact').attributes).toMatchObject({
      'mellea.action_type': 'GenerativeSlot',
      'mellea.has_format': true,
      sampling_success: true,
      num_generate_logs: 1,
      response: JSON.stringify(value),
    });
    expect(tracing.span('chat').attributes).toMatchObject({
      'mellea.action_type': 'GenerativeSlot',
      'mellea.has_format': true,
      'mellea.format_type': 'Sentiment',
    });
  });

  it('a zod schema (Standard Schema): validated by zod, its JSON schema sent to the backend', async () => {
    const backend = new RecordingBackend();
    const analyst = new Analyst(new Session(backend));
    const value = await analyst.entities('Ada Lovelace wrote to Charles Babbage from London.');

    expect(value).toEqual({
      entities: [
        { name: 'Ada Lovelace', type: 'person' },
        { name: 'Charles Babbage', type: 'person' },
        { name: 'London', type: 'location' },
      ],
    });
    expect(backend.options[0]!.format).toBe(Entities);
    expect(backend.options[0]!.jsonSchema).toMatchObject({ type: 'object', required: ['entities'] });
    expect(tracing.span('chat').attributes['mellea.format_type']).toBe('ZodObject');
  });

  it('a validation failure is a FormatError: the call rejects and aact records it', async () => {
    const backend = new ScriptedBackend({
      script: [{ match: 'sentiment', reply: '{"label":"ecstatic","confidence":2}' }],
    });
    const analyst = new Analyst(new Session(backend));
    const error = await analyst.sentiment('great').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FormatError);
    expect(error).toMatchObject({ failure: 'validation', output: '{"label":"ecstatic","confidence":2}' });
    expect((error as FormatError).issues).toEqual([
      '$.label: expected one of ["positive","negative","neutral"], got "ecstatic"',
      '$.confidence: 2 is above the maximum 1',
    ]);
    const aact = tracing.span('aact');
    expect(aact.status.code).toBe(SpanStatusCode.ERROR);
    expect(aact.attributes['error.type']).toBe('FormatError');
    expect(tracing.span('chat').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('output that is not JSON is a FormatError "parse"', async () => {
    const backend = new ScriptedBackend({ script: [{ match: 'entities', reply: 'Ada and Charles' }] });
    const error = await new Analyst(new Session(backend))
      .entities('Ada and Charles')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).failure).toBe('parse');
    expect((error as FormatError).message).toMatch(
      /^the model output is not valid JSON: .* \(output: "Ada and Charles"\)$/,
    );
  });

  it('a zod failure lists zod issues with their paths', async () => {
    const backend = new ScriptedBackend({
      script: [{ match: 'entities', reply: '{"entities":[{"name":"Ada","type":"robot"}]}' }],
    });
    const error = (await new Analyst(new Session(backend))
      .entities('Ada')
      .catch((caught: unknown) => caught)) as FormatError;
    expect(error).toBeInstanceOf(FormatError);
    expect(error.failure).toBe('validation');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^entities\.0\.type: /);
  });

  it('accepts a JSON answer wrapped in a Markdown code fence', async () => {
    const backend = new ScriptedBackend({
      script: [{ match: 'sentiment', reply: '```json\n{"label":"negative","confidence":0.7}\n```' }],
    });
    await expect(new Analyst(new Session(backend)).sentiment('awful')).resolves.toEqual({
      label: 'negative',
      confidence: 0.7,
    });
  });

  it('any Standard-Schema validator works (a hand-written one here)', async () => {
    const upper: StandardSchemaLike<string> = {
      '~standard': {
        version: 1,
        vendor: 'hand-written',
        validate: (value) =>
          typeof value === 'string' ? { value: value.toUpperCase() } : { issues: [{ message: 'expected a string' }] },
      },
    };
    const backend = new RecordingBackend({ script: [{ match: 'mood', reply: '"calm"' }] });
    const session = new Session(backend);
    class Moody {
      constructor(readonly session: Session) {}
      @generative({ description: 'The mood', format: upper })
      async mood(text: string): Promise<string> {
        throw new Error(`the body is not run (${text})`);
      }
    }
    await expect(new Moody(session).mood('fine')).resolves.toBe('CALM');
    expect(backend.options[0]).toEqual({ format: upper });
  });

  it('without a format the value is the text', async () => {
    const backend = new RecordingBackend();
    await expect(new Analyst(new Session(backend)).mood('This is terrible and slow')).resolves.toBe('negative');
    expect(backend.options[0]).toBeUndefined();
    expect(tracing.span('aact').attributes['mellea.has_format']).toBe(false);
  });

  it('renders the slot as a prompt with its arguments and the schema', async () => {
    const seen: string[] = [];
    const backend = new ScriptedBackend({
      script: [
        {
          match: () => true,
          reply: (prompt) => {
            seen.push(prompt);
            return '{"label":"neutral","confidence":0.5}';
          },
        },
      ],
    });
    await new Analyst(new Session(backend)).sentiment('It is "fine"');
    expect(seen[0]).toBe(
      [
        'Act as the function `sentiment`.',
        'Task: Classify the sentiment of the text',
        'Arguments:',
        '  text: "It is \\"fine\\""',
        `Answer with JSON only, matching this JSON schema: ${JSON.stringify(sentimentSchema)}`,
      ].join('\n'),
    );
  });
});
