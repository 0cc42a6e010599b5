/**
 * Where the CPU and memory rows send their spans: a BatchSpanProcessor (default settings) in front of an
 * exporter that counts and discards — the SDK's full per-span path, without keeping spans alive the way the
 * in-memory exporter would.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { overrideTracing } from '../../src/lifecycle';

/** Counts the spans it is handed and lets them go. */
export class DiscardingExporter implements SpanExporter {
  exported = 0;

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exported += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}

export interface BenchProvider {
  readonly provider: BasicTracerProvider;
  readonly exporter: DiscardingExporter;
}

/** A provider with a default BatchSpanProcessor and a discarding exporter; `sampledOut` uses AlwaysOffSampler. */
export function benchProvider(sampledOut = false): BenchProvider {
  const exporter = new DiscardingExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter)],
    ...(sampledOut ? { sampler: new AlwaysOffSampler() } : {}),
  });
  return { provider, exporter };
}

/** Routes both decorator scopes to `provider` (content on), as the testing entry does; returns the undo. */
export function routeDecoratorsTo(provider: TracerProvider): () => void {
  return overrideTracing(provider, { application: true, backend: true, content: true });
}
