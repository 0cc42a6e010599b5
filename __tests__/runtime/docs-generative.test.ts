import { generative } from 'mellea-telemetry';
import { FormatError, ScriptedBackend, Session } from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';
import { z } from 'zod';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());

// A format can be a JSON schema...
const Sentiment = {
  title: 'Sentiment',
  type: 'object',
  properties: { label: { type: 'string', enum: ['positive', 'negative', 'neutral'] } },
  required: ['label'],
};

// ...or any Standard-Schema validator, such as a zod schema.
const People = z.object({ people: z.array(z.string()) });

class Reviews {
  constructor(readonly session: Session) {}

  @generative({ description: 'Classify the sentiment of a review', format: Sentiment })
  async sentiment(review: string): Promise<{ label: string }> {
    throw new Error(`the model answers, this body is not run (${review})`);
  }

  @generative({ description: 'List the people named in the text', format: People })
  async people(text: string): Promise<z.infer<typeof People>> {
    throw new Error(`the model answers, this body is not run (${text})`);
  }
}

it('parses and validates @generative results', async () => {
  const reviews = new Reviews(new Session(new ScriptedBackend()));

  await expect(reviews.sentiment('I love it, the tea is excellent')).resolves.toEqual({ label: 'positive' });
  await expect(reviews.people('Ada Lovelace wrote to Charles Babbage.')).resolves.toEqual({
    people: ['Ada Lovelace', 'Charles Babbage'],
  });

  const chat = tracing.spansNamed('chat')[0]!;
  expect(chat.attributes).toMatchObject({ 'mellea.has_format': true, 'mellea.format_type': 'Sentiment' });
});

it('rejects output that does not match the format with a FormatError', async () => {
  const backend = new ScriptedBackend({ script: [{ match: 'sentiment', reply: '{"label": "ecstatic"}' }] });
  const reviews = new Reviews(new Session(backend));

  const error = await reviews.sentiment('Wow').catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).issues).toEqual([
    '$.label: expected one of ["positive","negative","neutral"], got "ecstatic"',
  ]);
});
