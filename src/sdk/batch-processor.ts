/**
 * The batch span processor in front of the OTLP exporter: a bounded queue (`OTEL_BSP_MAX_QUEUE_SIZE`, a full
 * queue drops new spans), batches of `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` every `OTEL_BSP_SCHEDULE_DELAY`, one
 * export at a time. Unlike the SDK's BatchSpanProcessor it holds no ref'd timer (the SDK's export timer keeps a
 * finished process alive for `OTEL_BSP_EXPORT_TIMEOUT`), and after the exit deadline it starts no further export.
 */
import { type Context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { BatchSettings } from '../config';
import type { ExportGuard } from './export-guard';
import type { ExportResult } from './otlp-exporter';

/** The exporter as the processor drives it: `abandon()` ends what is in flight (the exit deadline passed). */
export interface AbandonableExporter extends SpanExporter {
  abandon(): void;
}

export class BoundedBatchProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private exporting = false;
  private stopped = false;
  /** Set when the exit deadline passed, until {@link resume}. */
  private halted = false;
  private timer: NodeJS.Timeout | undefined;
  /** Spans ever taken from the queue whose export finished (either way): a flush waits for its share. */
  private settled = 0;
  private taken = 0;
  private readonly waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(
    private readonly exporter: AbandonableExporter,
    private readonly guard: ExportGuard,
    private readonly settings: BatchSettings,
  ) {}

  onStart(_span: Span, _parent: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (!this.guard.admit()) return;
    this.queue.push(span);
    if (this.queue.length >= this.settings.maxExportBatchSize) this.exportNext();
    else this.schedule();
  }

  /** Exports everything queued now; resolves when those spans are delivered or failed (or abandoned). */
  forceFlush(): Promise<void> {
    const upTo = this.taken + this.queue.length;
    if (this.settled >= upTo) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ upTo, resolve });
      this.exportNext();
    });
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
    this.clearTimer();
    await this.exporter.shutdown();
  }

  /** The exit deadline passed: end the export in flight, start no other one, release every flush waiting. */
  abandon(): void {
    this.halted = true;
    this.clearTimer();
    this.exporter.abandon();
    this.releaseWaiters(Number.POSITIVE_INFINITY);
  }

  /** The exit flush is over and the program goes on after all: export again (timers stay unref'd). */
  resume(): void {
    if (!this.halted) return;
    this.halted = false;
    if (this.queue.length > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.exporting) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.exportNext();
    }, this.settings.scheduledDelayMillis);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private exportNext(): void {
    if (this.exporting || this.queue.length === 0) return;
    if (this.halted || (this.stopped && this.waiters.length === 0)) return;
    this.clearTimer();
    this.exporting = true;
    const batch = this.queue.splice(0, this.settings.maxExportBatchSize);
    this.taken += batch.length;
    let finished = false;
    const done = (result: ExportResult): void => {
      if (finished) return;
      finished = true;
      clearTimeout(guardTimer);
      this.exporting = false;
      this.settled += batch.length;
      this.guard.exportFinished(batch.length, result);
      this.releaseWaiters(this.settled);
      if (this.stopped || this.halted) return;
      if (this.waiters.length > 0 || this.queue.length >= this.settings.maxExportBatchSize) this.exportNext();
      else if (this.queue.length > 0) this.schedule();
    };
    // A safety net for an exporter that never calls back (OTEL_BSP_EXPORT_TIMEOUT), unref'd like everything here.
    const guardTimer = setTimeout(
      () => done({ code: 1, error: new Error('the export did not finish within OTEL_BSP_EXPORT_TIMEOUT') }),
      this.settings.exportTimeoutMillis,
    );
    guardTimer.unref();
    this.guard.exportStarted(batch.length);
    try {
      this.exporter.export(batch, done);
    } catch (error) {
      done({ code: 1, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  private releaseWaiters(settled: number): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (waiter.upTo <= settled) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
