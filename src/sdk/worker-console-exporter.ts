/**
 * The console exporter of the worker build. The SDK's `ConsoleSpanExporter` prints with `console.dir`, which a
 * Worker's log stream (workerd, Cloudflare's Workers Logs) does not carry; this one prints the same fields as one
 * `console.log` line of JSON per span.
 */
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

type ResultCallback = Parameters<SpanExporter['export']>[1];

const micros = ([seconds, nanos]: readonly [number, number]): number => seconds * 1e6 + Math.round(nanos / 1e3);

/** One line of JSON per ended span, with the fields the SDK's console exporter prints. */
export class WorkerConsoleSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], resultCallback: ResultCallback): void {
    for (const span of spans) {
      const context = span.spanContext();
      console.log(
        JSON.stringify({
          resource: { attributes: span.resource.attributes },
          instrumentationScope: span.instrumentationScope,
          traceId: context.traceId,
          parentSpanId: span.parentSpanContext?.spanId,
          name: span.name,
          id: context.spanId,
          kind: span.kind,
          timestamp: micros(span.startTime),
          duration: micros(span.duration),
          attributes: span.attributes,
          status: span.status,
          events: span.events,
          links: span.links,
        }),
      );
    }
    resultCallback({ code: 0 });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
