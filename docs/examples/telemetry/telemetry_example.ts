/**
 * The telemetry example — the TypeScript counterpart of Mellea's `telemetry_example.py`.
 *
 * Runs one session: `instruct()` with two requirements and a retry budget, two `@generative` functions
 * (sentiment classification and entity extraction) and two `chat()` turns, then prints the span tree
 * session_context → aact → chat + requirement_validation, with each span's duration and status.
 *
 *   npm run example                                       # offline ScriptedBackend, both scopes on
 *   MELLEA_TRACE_CONSOLE=true npm run example             # plus OpenTelemetry's console output
 *   MELLEA_TRACE_CONSOLE=tree npm run example             # each trace printed as a tree when it ends (instead)
 *   MELLEA_TRACE_FILE=traces.jsonl npm run example        # plus a trace file; then: npx mellea-telemetry view traces.jsonl
 *   MELLEA_METRICS_ENABLED=true MELLEA_METRICS_CONSOLE=true npm run example   # plus the metrics, after the tree
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 npm run example   # plus OTLP export (Jaeger, Tempo...)
 *   MELLEA_BACKEND=ollama MELLEA_MODEL=granite4.1:3b npm run example   # a local Ollama server
 *   MELLEA_BACKEND=openai OPENAI_API_KEY=... MELLEA_MODEL=gpt-4o-mini npm run example
 *
 * Both trace scopes are on unless MELLEA_TRACE_APPLICATION / MELLEA_TRACE_BACKEND say otherwise.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  configureTelemetry,
  generative,
  getTelemetryConfig,
  isApplicationTracingEnabled,
  isBackendTracingEnabled,
  isMetricsEnabled,
  readTelemetryConfig,
  shutdownTelemetry,
} from 'mellea-telemetry';
import {
  type Backend,
  ChatContext,
  OllamaModelBackend,
  OpenAIBackend,
  RejectionSamplingStrategy,
  Requirement,
  ScriptedBackend,
  Session,
} from 'mellea-telemetry/runtime';
import { formatSpanTree, type SpanNode } from 'mellea-telemetry/testing';

// ---------------------------------------------------------------------------------------------------------------
// 1. Tracing. Both scopes on unless the environment says otherwise; everything else (console, OTLP endpoint,
//    protocol, sampler, batch settings) comes from the environment as usual. One extra span processor keeps the
//    finished spans in memory for the tree printed at the end.
// ---------------------------------------------------------------------------------------------------------------
const scopes = readTelemetryConfig({ MELLEA_TRACE_APPLICATION: 'true', MELLEA_TRACE_BACKEND: 'true', ...process.env });
const recorded = new InMemorySpanExporter();
configureTelemetry({
  application: scopes.application,
  backend: scopes.backend,
  spanProcessors: [new SimpleSpanProcessor(recorded)],
});

// ---------------------------------------------------------------------------------------------------------------
// 2. The backend: offline by default; MELLEA_BACKEND=openai|ollama switches to a real server.
// ---------------------------------------------------------------------------------------------------------------
function chooseBackend(): Backend {
  const choice = (process.env['MELLEA_BACKEND'] ?? 'scripted').trim().toLowerCase();
  const modelId = process.env['MELLEA_MODEL']?.trim() || undefined;
  const baseURL = process.env['MELLEA_BASE_URL']?.trim() || undefined;
  switch (choice) {
    case 'scripted':
    case '':
      // The first announcement misses the word "tracing", so the LLM-judged requirement fails and
      // RejectionSamplingStrategy retries: num_generate_logs=2 on that aact span.
      return new ScriptedBackend({
        modelId,
        script: [
          {
            match: 'announcement',
            reply: [
              'Big news from Mellea: everything you build just got friendlier, faster and easier to share!',
              'Mellea now supports tracing: every instruct, generative function and chat turn becomes an OpenTelemetry span.',
            ],
          },
        ],
      });
    case 'openai':
      return new OpenAIBackend({ modelId: modelId ?? 'gpt-4o-mini', baseURL, apiKey: process.env['OPENAI_API_KEY'] });
    case 'ollama':
      return new OllamaModelBackend({ modelId: modelId ?? 'granite4.1:3b', baseURL });
    default:
      throw new Error(
        `MELLEA_BACKEND=${JSON.stringify(choice)} is not supported: use scripted (default), openai or ollama`,
      );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Two @generative functions. Their bodies are not run: the model produces the return value, parsed and
//    validated against the declared JSON schema.
// ---------------------------------------------------------------------------------------------------------------
interface Sentiment {
  label: 'positive' | 'negative' | 'neutral';
  confidence: number;
}

interface Entities {
  entities: { name: string; type: 'person' | 'location' | 'organization' }[];
}

class ReviewAnalyst {
  constructor(readonly session: Session) {}

  @generative({
    description: 'Classify the sentiment of a product review',
    format: {
      title: 'Sentiment',
      type: 'object',
      properties: {
        label: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
      },
      required: ['label', 'confidence'],
    },
  })
  async classifySentiment(review: string): Promise<Sentiment> {
    throw new Error(`not run: the model answers for classifySentiment(${review})`);
  }

  @generative({
    description: 'Extract the people, places and organizations named in the text',
    format: {
      title: 'Entities',
      type: 'object',
      properties: {
        entities: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              type: { type: 'string', enum: ['person', 'location', 'organization'] },
            },
            required: ['name', 'type'],
          },
        },
      },
      required: ['entities'],
    },
  })
  async extractEntities(text: string): Promise<Entities> {
    throw new Error(`not run: the model answers for extractEntities(${text})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. The session.
// ---------------------------------------------------------------------------------------------------------------
async function main(): Promise<number> {
  console.log('Mellea telemetry example');
  console.log(`Application tracing: ${isApplicationTracingEnabled()}`);
  console.log(`Backend tracing:     ${isBackendTracingEnabled()}`);

  let exitCode = 0;
  try {
    const backend = chooseBackend();
    console.log(`Backend:             ${backend.constructor.name} (${backend.modelId})\n`);
    const session = new Session(backend, { ctx: new ChatContext({ window: 10 }) });
    await session.run(async (m) => {
      const announcement = await m.instruct(
        'Write a one-sentence announcement that {{product}} now supports {{feature}}.',
        {
          userVariables: { product: 'Mellea', feature: 'tracing' },
          requirements: [
            'mention {{feature}}', // judged by the model
            new Requirement('at most 30 words', (text) => text.trim().split(/\s+/).length <= 30), // checked in code
          ],
          strategy: new RejectionSamplingStrategy({ loopBudget: 3 }),
        },
      );
      console.log(`instruct: ${announcement.value}`);
      console.log(`          success=${announcement.success}, attempts=${announcement.sampleGenerations.length}`);

      const analyst = new ReviewAnalyst(m);
      const sentiment = await analyst.classifySentiment(
        'I love how fast the new release is, and the docs are excellent.',
      );
      console.log(`classifySentiment: ${JSON.stringify(sentiment)}`);
      const entities = await analyst.extractEntities('Grace Hopper flew from New York to meet Alan Turing in London.');
      console.log(`extractEntities:   ${JSON.stringify(entities)}`);

      const first = await m.chat('Hello! Can you summarise the review in one line?');
      console.log(`chat 1: ${first.content}`);
      const second = await m.chat('Thanks. What should we reply to the reviewer?');
      console.log(`chat 2: ${second.content}`);
    });
  } catch (error) {
    console.error(
      `\nThe session failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    exitCode = 1;
  }

  const { console: consoleOn, consoleFormat } = getTelemetryConfig();
  if (consoleOn && consoleFormat === 'tree') console.log('\n(Span tree printed above by MELLEA_TRACE_CONSOLE=tree.)');
  else {
    console.log('\nSpan tree:');
    console.log(
      formatSpanTree(recorded.getFinishedSpans(), { attributes: treeAttributes, durations: true, status: true }),
    );
  }
  // With MELLEA_METRICS_ENABLED=true MELLEA_METRICS_CONSOLE=true the shutdown below prints the metrics.
  if (isMetricsEnabled()) console.log('\nMetrics (meter mellea.metrics):');
  await shutdownTelemetry(); // exports what the batch processor still holds; never rejects, bounded in time
  return exitCode;
}

/** Like the spec's "Span hierarchy" diagram: mellea.* on application spans, gen_ai.* on backend spans. */
function treeAttributes(node: SpanNode): readonly string[] {
  return node.scope === 'mellea.backend'
    ? ['gen_ai.system', 'gen_ai.request.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'error.type']
    : [
        'mellea.action_type',
        'mellea.backend',
        'mellea.context_size',
        'sampling_success',
        'num_generate_logs',
        'error.type',
      ];
}

main().then((code) => {
  process.exitCode = code;
});
