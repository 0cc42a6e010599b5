/**
 * `MELLEA_TRACE_FILE`: finished spans appended to a file in the OTLP File Exporter format — JSON Lines, UTF-8,
 * each line one OTLP/JSON `TracesData` (`resourceSpans` → `scopeSpans` → `spans`), as the OpenTelemetry
 * Collector's `fileexporter` writes it and its `otlpjsonfile` receiver (and `mellea-telemetry view`) reads it.
 *
 * Spans are collected and written as one line per batch with an asynchronous append: a span's end costs a
 * push, never a file write. Appends are chained, so lines never interleave. The exit flush (pipeline.ts) drains
 * the batch on `beforeExit` and signals; a `process.exit()` skips those, so whatever is still collected then is
 * written synchronously in the `exit` event (the process is ending; nothing else waits for the loop). A path
 * that cannot be written gives one warning and turns the file off for the run; the program is unaffected.
 */
import { appendFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describeError, warnOnce } from '../warnings';

/** When a batch is written: after `scheduledDelayMillis`, or as soon as `maxExportBatchSize` spans wait. */
export interface TraceFileSettings {
  readonly scheduledDelayMillis: number;
  readonly maxExportBatchSize: number;
  /** Write what is still collected in the `exit` event (default true; `MELLEA_TRACE_FLUSH_ON_EXIT=false` turns it off). */
  readonly writeAtExit?: boolean;
}

type Serializer = { serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined };

/**
 * One OTLP/JSON `TracesData` line for `spans`. `JsonTraceSerializer` already writes ids as hex and times as
 * decimal strings; the OTLP/JSON mapping also wants `intValue` (an int64) as a string, which it leaves a number.
 */
export function tracesDataLine(serializer: Serializer, spans: ReadableSpan[]): string {
  const bytes = serializer.serializeRequest(spans);
  const json = new TextDecoder().decode(bytes);
  const data = JSON.parse(json, (key, value) =>
    key === 'intValue' && typeof value === 'number' ? String(value) : value,
  );
  return `${JSON.stringify(data)}\n`;
}

/** A span processor that appends finished spans to `path`, one `TracesData` line per batch. */
export class TraceFileProcessor implements SpanProcessor {
  private batch: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The chain of appends: each waits for the previous one. */
  private writing: Promise<void> = Promise.resolve();
  private broken = false;
  private stopped = false;
  private admitted = 0;
  private settled = 0;
  private readonly onExit = (): void => this.writeRemainingSync();

  constructor(
    readonly path: string,
    private readonly serializer: Serializer,
    private readonly settings: TraceFileSettings,
  ) {
    if (settings.writeAtExit !== false) process.on('exit', this.onExit);
  }

  /** Spans accepted and not yet written (or given up on): the exit flush has work to do. */
  hasPendingSpans(): boolean {
    return this.admitted > this.settled;
  }

  /** How many spans were ever accepted. */
  admittedSpans(): number {
    return this.admitted;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.broken || this.stopped) return;
    this.batch.push(span);
    this.admitted += 1;
    if (this.batch.length >= this.settings.maxExportBatchSize) void this.writeBatch();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.writeBatch(), this.settings.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  forceFlush(): Promise<void> {
    return this.writeBatch();
  }

  shutdown(): Promise<void> {
    const done = this.writeBatch();
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    return done;
  }

  /** Queues the collected spans as one line behind the appends already running; resolves when it is written. */
  private writeBatch(): Promise<void> {
    this.clearTimer();
    const spans = this.takeBatch();
    if (spans.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      if (!this.broken) {
        try {
          await appendFile(this.path, tracesDataLine(this.serializer, spans), 'utf8');
        } catch (error) {
          this.fail(error, spans.length);
        }
      }
      this.settled += spans.length;
    });
    return this.writing;
  }

  private writeRemainingSync(): void {
    this.clearTimer();
    const spans = this.takeBatch();
    if (spans.length === 0 || this.broken) return;
    try {
      appendFileSync(this.path, tracesDataLine(this.serializer, spans), 'utf8');
    } catch (error) {
      this.fail(error, spans.length);
    }
    this.settled += spans.length;
  }

  private takeBatch(): ReadableSpan[] {
    const spans = this.batch;
    this.batch = [];
    return spans;
  }

  private fail(error: unknown, lost: number): void {
    this.broken = true;
    // Spans collected meanwhile are given up too: nothing stays pending for the exit flush to wait on.
    this.settled += this.batch.length;
    lost += this.batch.length;
    this.batch = [];
    warnOnce(
      `trace-file:${this.path}`,
      `cannot write the trace file ${JSON.stringify(this.path)} (MELLEA_TRACE_FILE): ${describeError(error)}. ` +
        `${lost} span(s) were not written, and no further spans are written to it in this run.`,
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The processor for `path`, with the OTLP JSON serializer loaded on demand (it ships with the OTLP exporters).
 * Undefined, with one warning, when the serializer cannot be loaded.
 */
export function createTraceFileProcessor(path: string, settings: TraceFileSettings): TraceFileProcessor | undefined {
  try {
    const { JsonTraceSerializer } =
      require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
    return new TraceFileProcessor(path, JsonTraceSerializer, settings);
  } catch (error) {
    warnOnce(
      'trace-file:serializer',
      `MELLEA_TRACE_FILE is set but @opentelemetry/otlp-transformer could not be loaded (${describeError(error)}); ` +
        `install it with: npm install @opentelemetry/otlp-transformer. Spans are not written to ${JSON.stringify(path)}.`,
    );
    return undefined;
  }
}
