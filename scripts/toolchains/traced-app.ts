// The app that scripts/check-toolchains.mjs bundles (esbuild, webpack) and runs (Node, Deno) against the packed
// package, with both scopes and the console exporter switched on by the environment. A span processor of its
// own (plain object: this file imports nothing from the SDK) prints what the package's own pipeline ended.
import { configureTelemetry, shutdownTelemetry } from 'mellea-telemetry';
import { EchoSession } from './echo-session';

interface EndedSpan {
  name: string;
  spanContext(): { spanId: string; traceId: string };
  parentSpanContext?: { spanId: string };
  attributes: Record<string, unknown>;
}

const ended: { name: string; id: string; parent?: string; trace: string; attributes: Record<string, unknown> }[] = [];
const recorder = {
  onStart: (): void => {},
  onEnd: (span: EndedSpan): void => {
    const { spanId, traceId } = span.spanContext();
    const { name, attributes } = span;
    ended.push({ name, id: spanId, parent: span.parentSpanContext?.spanId, trace: traceId, attributes });
  },
  forceFlush: async (): Promise<void> => {},
  shutdown: async (): Promise<void> => {},
};

async function main(): Promise<void> {
  configureTelemetry({ spanProcessors: [recorder] } as Parameters<typeof configureTelemetry>[0]);
  const value = await new EchoSession().act('hi');
  await shutdownTelemetry();
  console.log(`RESULT ${JSON.stringify({ value, spans: ended })}`);
}

void main();
