import type { ReadableSpan, Sampler } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { conventions } from '../attributes/latest-conventions';
import type { ContentRedactor } from '../content/redact';
import { overrideTracing } from '../lifecycle';
import { CONTENT_MAX_CODE_POINTS } from '../semconv';
import { type SpanNode, spanTree } from './span-tree';
import { createTestMetrics, type MetricPoint } from './test-metrics';

/** Options of {@link createTestTracing}. */
export interface TestTracingOptions {
  /** Application spans on (default true). */
  application?: boolean;
  /** Backend spans on (default true). */
  backend?: boolean;
  /** Record the `response` attribute (default true). */
  content?: boolean;
  /** A sampler, e.g. `new AlwaysOffSampler()` to test the sampled-out path. */
  sampler?: Sampler;
  /** Record `gen_ai.input.messages` / `gen_ai.output.messages` on backend spans (default false). */
  captureMessageContent?: boolean;
  /** The `redact` hook (as `configureTelemetry({ redact })`); default none. */
  redact?: ContentRedactor;
  /** Bound of each message attribute, in code points (default 16384). */
  contentMaxCodePoints?: number;
  /** Record the metrics too, in memory (read them with `metric(name)`). Default false. */
  metrics?: boolean;
  /** Backend spans in the latest GenAI conventions (as `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`). */
  genAiLatestConventions?: boolean;
}

/** In-memory tracing for unit tests of decorated classes. */
export interface TestTracing {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans, in the order they ended. */
  readonly spans: ReadableSpan[];
  /** The finished spans named `name`. */
  spansNamed(name: string): ReadableSpan[];
  /** The only finished span named `name`; throws if there is none or more than one. */
  span(name: string): ReadableSpan;
  /** The finished spans as trees by parent link. */
  tree(): SpanNode[];
  /**
   * The data points of metric `name` (empty when it has none, or metrics are off) — needs `metrics: true`.
   *
   * @example
   * const [input] = (await tracing.metric('gen_ai.client.token.usage')).filter((p) => p.attributes['gen_ai.token.type'] === 'input');
   * expect(input.value).toBe(12);
   */
  metric(name: string): Promise<MetricPoint[]>;
  /** Every collected data point, of all metrics. */
  metrics(): Promise<MetricPoint[]>;
  /** Forgets the finished spans and the recorded metrics (call in `afterEach`). */
  reset(): void;
  /** Restores the previous tracing setup (call in `afterAll`). */
  shutdown(): Promise<void>;
}

/**
 * Routes both scopes to an in-memory exporter — no environment variables, nothing exported, nothing left
 * behind after `shutdown()`. Spans are exported synchronously as they end.
 *
 * @example
 * const tracing = createTestTracing();
 * afterEach(() => tracing.reset());
 * afterAll(() => tracing.shutdown());
 *
 * it('traces act', async () => {
 *   await new Session(backend).act(new Instruction('hi'));
 *   expect(tracing.span('aact').attributes['mellea.action_type']).toBe('Instruction');
 * });
 */
export function createTestTracing(options: TestTracingOptions = {}): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
  const restore = overrideTracing(provider, {
    application: options.application ?? true,
    backend: options.backend ?? true,
    content: options.content ?? true,
    messages: options.captureMessageContent ?? false,
    redact: options.redact,
    maxCodePoints: options.contentMaxCodePoints ?? CONTENT_MAX_CODE_POINTS,
  });
  const testMetrics = options.metrics === true ? createTestMetrics() : undefined;
  const savedLatest = conventions.latest;
  if (options.genAiLatestConventions !== undefined) conventions.latest = options.genAiLatestConventions;
  const collect = (): Promise<MetricPoint[]> => testMetrics?.collect() ?? Promise.resolve([]);
  const spansNamed = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);
  return {
    exporter,
    get spans() {
      return exporter.getFinishedSpans();
    },
    spansNamed,
    span(name) {
      const found = spansNamed(name);
      if (found.length !== 1) {
        const names = exporter.getFinishedSpans().map((span) => span.name);
        throw new Error(
          `expected exactly one finished span "${name}", found ${found.length} (finished: ${names.join(', ') || 'none'})`,
        );
      }
      return found[0]!;
    },
    tree: () => spanTree(exporter.getFinishedSpans()),
    metric: async (name) => (await collect()).filter((point) => point.name === name),
    metrics: collect,
    reset: () => {
      exporter.reset();
      testMetrics?.reset();
    },
    async shutdown() {
      restore();
      conventions.latest = savedLatest;
      await testMetrics?.shutdown();
      await provider.shutdown();
    },
  };
}
