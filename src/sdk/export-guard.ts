/**
 * Guards the OTLP path so a slow or absent collector costs spans, never memory or silence: the batch queue is
 * bounded by `OTEL_BSP_MAX_QUEUE_SIZE` (a full queue drops new spans, counted, with one warning), and an outage
 * produces one warning naming the endpoint (again for the next outage, after a recovery). The counts are readable
 * through `getTelemetryExportStats()`.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { printableUrl } from '../printable-url';
import { describeError, warn, warnOnce } from '../warnings';
import type { AbandonableExporter } from './batch-processor';
import { ExitDeadlineError, type ExportResult } from './otlp-exporter';

/** What happened to the spans handed to the OTLP exporter since the provider was built. */
export interface ExportStats {
  /** Spans the receiver accepted. */
  exported: number;
  /** Spans whose export failed (collector down, hung past the timeout, refusing, or cut by the exit deadline). */
  failed: number;
  /** Spans dropped because the queue was full (`OTEL_BSP_MAX_QUEUE_SIZE`). */
  dropped: number;
  /** Spans accepted and waiting in the queue (never more than the queue size). */
  queued: number;
  /** Spans handed to the exporter whose export has not finished yet (at most one batch per export in flight). */
  inFlight: number;
}

/** Counts and warnings shared by the batch processor and exporter of one provider. */
export class ExportGuard {
  readonly stats: ExportStats = { exported: 0, failed: 0, dropped: 0, queued: 0, inFlight: 0 };
  /** Spans ever admitted to the queue. */
  admitted = 0;
  /** True from a failed export until the next successful one: one warning per outage. */
  private inOutage = false;
  private queueFullWarned = false;
  /** During the exit flush failures are not warned about one by one: the exit report names the last one. */
  private quiet = false;
  private lastError: unknown;
  /** Export errors already reported by the warning; a flush rejecting with one of them needs no second warning. */
  private readonly reported = new WeakSet<object>();

  constructor(
    private readonly endpoint: string,
    private readonly maxQueueSize: number,
  ) {}

  /** Admits a span to the queue while it has room; a full queue counts a drop (the warning text built once). */
  admit(): boolean {
    if (this.stats.queued >= this.maxQueueSize) {
      this.stats.dropped++;
      if (!this.queueFullWarned) this.warnQueueFull();
      return false;
    }
    this.stats.queued++;
    this.admitted++;
    return true;
  }

  private warnQueueFull(): void {
    this.queueFullWarned = true;
    warnOnce(
      'otlp:queue-full',
      `the span export queue is full (OTEL_BSP_MAX_QUEUE_SIZE=${this.maxQueueSize}) because ` +
        `${printableUrl(this.endpoint)} is not keeping up; new spans are dropped until it catches up ` +
        `(counts: getTelemetryExportStats()).`,
    );
  }

  /** `count` spans left the queue for the exporter. */
  exportStarted(count: number): void {
    this.stats.queued = Math.max(0, this.stats.queued - count);
    this.stats.inFlight += count;
  }

  /** The export of `count` spans finished: counts, and the outage warning on the first failure of an outage. */
  exportFinished(count: number, result: ExportResult): void {
    this.stats.inFlight = Math.max(0, this.stats.inFlight - count);
    // ExportResultCode.SUCCESS is 0; compared directly so this module imports only types from the SDK.
    if (result.code === 0) {
      this.stats.exported += count;
      this.inOutage = false;
      return;
    }
    this.stats.failed += count;
    if (typeof result.error === 'object' && result.error !== null) this.reported.add(result.error);
    // Cut by the exit deadline, or failing during the exit flush: the exit report covers it, with the counts.
    if (!(result.error instanceof ExitDeadlineError)) this.lastError = result.error;
    if (this.quiet || result.error instanceof ExitDeadlineError || this.inOutage) return;
    this.inOutage = true;
    warn(
      'otlp:export-failed',
      `could not export ${count} span(s) to ${printableUrl(this.endpoint)}: ${describeError(result.error)}. ` +
        `The program is unaffected; spans are dropped while the collector is unreachable (counts: ` +
        `getTelemetryExportStats()). The next outage after a recovery is reported again.`,
    );
  }

  /** Between the start and the end of an exit flush, failures are only counted (see {@link exitReport}). */
  exitFlushing(flushing: boolean): void {
    this.quiet = flushing;
  }

  /**
   * The one line an exit flush ends with when spans were not delivered: counts and the last export error.
   * Undefined when every span accepted was delivered.
   */
  exitReport(timeoutMs: number, timedOut: boolean): string | undefined {
    const { exported, failed, dropped, queued, inFlight } = this.stats;
    const unsent = queued + inFlight;
    const lost = failed + dropped + unsent;
    if (lost === 0) return undefined;
    const cause = this.lastError === undefined ? '' : `; last export error: ${describeError(this.lastError)}`;
    return (
      `${lost} span(s) were not delivered to ${printableUrl(this.endpoint)} (${failed} failed, ${dropped} ` +
      `dropped, ${unsent} unsent when the exit flush ${timedOut ? `stopped at its ${timeoutMs} ms bound` : 'ended'}` +
      `${cause}); ${exported} delivered. MELLEA_TRACE_FLUSH_TIMEOUT sets the bound.`
    );
  }

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
   * Wraps the OTLP exporter made by `create`: after a failed export the next one runs on a fresh exporter — a new
   * connection instead of one a collector restart left broken — so spans ended after it came back get through.
   */
  exporter(create: () => AbandonableExporter): AbandonableExporter {
    let inner = create();
    let stale = false;
    const current = (): AbandonableExporter => {
      if (stale) {
        stale = false;
        const retired: SpanExporter = inner;
        inner = create();
        retired.shutdown().catch(() => undefined);
      }
      return inner;
    };
    return {
      export: (spans, done) =>
        current().export(spans, (result) => {
          if (result.code !== 0) stale = true;
          done(result);
        }),
      abandon: () => inner.abandon(),
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
    };
  }
}
