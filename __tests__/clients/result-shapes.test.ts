/**
 * The result-shape table of docs/backends.md, row by row: a recorded response body of each official SDK (and,
 * where the SDK streams, its recorded chunks or events) through a `@traceBackend` method, with no options —
 * every usage, id, model and finish-reason attribute read by convention, and nothing else under `gen_ai.response`
 * or `gen_ai.usage`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceBackend } from 'mellea-telemetry';
import { useTestTracing } from '../backends/fixtures';

const tracing = useTestTracing();

interface Recorded {
  source: string;
  result: unknown;
  expected: Record<string, unknown>;
  chunks?: unknown[];
  streamExpected?: Record<string, unknown>;
}

const DIR = join(__dirname, 'recorded');
const rows = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Recorded] as const);

class RecordedBackend {
  constructor(private readonly row: Recorded) {}

  @traceBackend('chat')
  async generate(): Promise<unknown> {
    return structuredClone(this.row.result);
  }

  @traceBackend('chat')
  async stream(): Promise<AsyncIterable<unknown>> {
    const chunks = structuredClone(this.row.chunks ?? []);
    return {
      async *[Symbol.asyncIterator]() {
        yield* chunks;
      },
    };
  }
}

function responseAttributes(span: { attributes: Record<string, unknown> }): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(span.attributes).filter(
      ([key]) => key.startsWith('gen_ai.response.') || key.startsWith('gen_ai.usage.'),
    ),
  );
}

it('covers every row of the table', () => {
  expect(rows.map(([name]) => name).sort()).toEqual([
    'anthropic-messages',
    'aws-bedrock-converse',
    'google-genai',
    'ollama-native',
    'openai-chat-completions',
    'openai-completions-legacy',
    'openai-responses',
    'vercel-ai-sdk',
  ]);
});

describe.each(rows)('%s', (_name, row) => {
  it('result: read by convention', async () => {
    await new RecordedBackend(row).generate();
    expect(responseAttributes(tracing.span('chat'))).toEqual(row.expected);
  });

  if (row.chunks !== undefined) {
    it('stream: read from its chunks / events', async () => {
      for await (const _ of await new RecordedBackend(row).stream());
      expect(responseAttributes(tracing.span('chat'))).toEqual(row.streamExpected);
    });
  }
});
