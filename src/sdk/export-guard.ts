/**
 * Guards the OTLP path so a slow or absent collector costs spans, never memory or silence: the batch queue is
 * bounded by `OTEL_BSP_MAX_QUEUE_SIZE` (a full queue drops new spans, counted, with one warning), and a failed
 * export produces one warning naming the endpoint. The counts are readable through `getTelemetryExportStats()`.
 */
import { type Context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describeError, warnOnce } from '../warnings';

/** The SDK's export result (`@opentelemetry/core`'s `ExportResult`), by shape: code 0 is success. */
interface ExportResult {
  code: number;
  error?: Error;
}

/** What happened to the spans handed to the OTLP exporter since the provider was built. */
export interface ExportStats {
  /** Spans the receiver accepted. */
  exported: number;
  /** Spans whose export failed (collector down, hung past the timeout, or refusing). */
  failed: number;
  /** Spans dropped because the queue was full (`OTEL_BSP_MAX_QUEUE_SIZE`). */
  dropped: number;
  /** Spans accepted and waiting in the queue (never more than the queue size). */
  queued: number;
  /** Spans handed to the exporter whose export has not finished yet (at most one batch per export in flight). */
  inFlight: number;
}

/** The endpoint as printed in warnings: no credentials, no query string. */
export function printableEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparsable endpoint)';
  }
}

/** Counts and warnings shared by the guarded processor and exporter of one provider. */
export class ExportGuard {
  readonly stats: ExportStats = { exported: 0, failed: 0, dropped: 0, queued: 0, inFlight: 0 };
  /** Spans ever admitted to the queue. */
  admitted = 0;
  private closed = false;
  /** Export errors already reported by the warning; a flush rejecting with one of them needs no second warning. */
  private readonly reported = new WeakSet<object>();

  constructor(
    private readonly endpoint: string,
    private readonly maxQueueSize: number,
  ) {}

  /** Wraps the batch processor: admits a sampled span only while the queue has room. */
  processor(batch: SpanProcessor): SpanProcessor {
    return {
      onStart: (span: Span, parent: Context) => batch.onStart(span, parent),
      onEnd: (span: ReadableSpan) => {
        if (this.closed || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
        if (this.stats.queued >= this.maxQueueSize) {
          this.stats.dropped++;
          warnOnce(
            'otlp:queue-full',
            `the span export queue is full (OTEL_BSP_MAX_QUEUE_SIZE=${this.maxQueueSize}) because ` +
              `${printableEndpoint(this.endpoint)} is not keeping up; new spans are dropped until it catches up ` +
              `(counts: getTelemetryExportStats()).`,
          );
          return;
        }
        this.stats.queued++;
        this.admitted++;
        batch.onEnd(span);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => {
        this.closed = true;
        return batch.shutdown();
      },
    };
  }

  /**
   * From now on, exports give up after `timeoutMs` (a fresh exporter, for the next export). Used before the exit
   * flush: an export in flight holds the process open until its deadline, so the deadline must not outlast the
   * flush bound when the collector hangs.
   */
  limitExportTime: (timeoutMs: number) => void = () => undefined;

  /** Settles a flush or shutdown: an export failure was already reported, anything else is rethrown. */
  settle(work: Promise<void>): Promise<void> {
    return work.catch((error: unknown) => {
      // The provider rejects with the list of its processors' errors.
      const errors = Array.isArray(error) ? error : [error];
      if (errors.every((each) => typeof each === 'object' && each !== null && this.reported.has(each))) return;
      throw error;
    });
  }

  /**
   * Wraps the OTLP exporter made by `create`: counts outcomes, reports the first failure, and after a failed export
   * makes the next one on a fresh exporter — a new connection, instead of one stuck in the reconnect backoff that
   * an outage left behind (gRPC's grows to two minutes), so spans ended after the collector came back get through.
   */
  exporter(create: (timeoutMs?: number) => SpanExporter): SpanExporter {
    let timeoutMs: number | undefined;
    let inner = create();
    let stale = false;
    this.limitExportTime = (limit) => {
      timeoutMs = limit;
      stale = true;
    };
    const current = (): SpanExporter => {
      if (stale) {
        stale = false;
        const retired = inner;
        inner = create(timeoutMs);
        retired.shutdown().catch(() => undefined);
      }
      return inner;
    };
    return {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => {
        const count = spans.length;
        // The batch processor has taken these spans out of its queue: free their room now, as the processor does,
        // so the first export (which includes the connect) does not shrink the queue for the spans behind it.
        this.stats.queued = Math.max(0, this.stats.queued - count);
        this.stats.inFlight += count;
        current().export(spans, (result) => {
          this.stats.inFlight = Math.max(0, this.stats.inFlight - count);
          // ExportResultCode.SUCCESS is 0; compared directly so this module imports only types from the SDK.
          if (result.code === 0) this.stats.exported += count;
          else {
            this.stats.failed += count;
            stale = true;
            if (typeof result.error === 'object' && result.error !== null) this.reported.add(result.error);
            warnOnce(
              'otlp:export-failed',
              `could not export ${count} span(s) to ${printableEndpoint(this.endpoint)}: ${describeError(result.error)}. ` +
                `The program is unaffected; spans are dropped while the collector is unreachable (counts: ` +
                `getTelemetryExportStats()).`,
            );
          }
          done(result);
        });
      },
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
    };
  }
}
