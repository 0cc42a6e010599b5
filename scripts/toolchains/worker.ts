// The Worker that scripts/check-toolchains.mjs bundles for workerd (export conditions `workerd`/`worker`) and runs
// under miniflare with `nodejs_compat`: /testing uses the testing entry's in-memory exporter; /pipeline the
// package's own pipeline (scopes and console export from the bindings, which `nodejs_compat` puts in process.env).
import { configureTelemetry, shutdownTelemetry } from 'mellea-telemetry';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { EchoSession } from './echo-session';

interface EndedSpan {
  name: string;
  spanContext(): { spanId: string };
  parentSpanContext?: { spanId: string };
}

async function viaTesting(): Promise<Response> {
  const tracing = createTestTracing();
  const value = await new EchoSession().act('hi');
  const shape = spanShape(tracing.tree());
  const totalTokens = tracing.span('chat').attributes['gen_ai.usage.total_tokens'];
  await tracing.shutdown();
  return Response.json({ value, shape, totalTokens });
}

async function viaPipeline(): Promise<Response> {
  const spans: { name: string; id: string; parent?: string }[] = [];
  const recorder = {
    onStart: (): void => {},
    onEnd: (span: EndedSpan): void => {
      spans.push({ name: span.name, id: span.spanContext().spanId, parent: span.parentSpanContext?.spanId });
    },
    forceFlush: async (): Promise<void> => {},
    shutdown: async (): Promise<void> => {},
  };
  const config = configureTelemetry({ spanProcessors: [recorder] } as Parameters<typeof configureTelemetry>[0]);
  const value = await new EchoSession().act('hi');
  await shutdownTelemetry();
  return Response.json({ value, spans, console: config.console });
}

export default {
  fetch(request: Request): Promise<Response> {
    return new URL(request.url).pathname === '/testing' ? viaTesting() : viaPipeline();
  },
};
