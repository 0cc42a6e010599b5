/**
 * The OTLP span exporter of the pipeline this package builds: the SDK's protobuf serializer, the transport of
 * otlp-transport.ts, and the OTLP retry policy (exponential backoff within the export timeout) — on unref'd
 * timers, capped by the exit deadline, and cancellable when the deadline passes.
 */
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpCompression, OtlpProtocol, OtlpTlsFiles } from '../config';
import { type EncodedBody, OtlpExportError, OtlpTransport } from './otlp-transport';

/** The SDK's export result (`@opentelemetry/core`'s `ExportResult`), by shape: code 0 is success, 1 failure. */
export interface ExportResult {
  code: number;
  error?: Error;
}

/** Serializes spans to an OTLP `ExportTraceServiceRequest` (`@opentelemetry/otlp-transformer`). */
export interface TraceSerializer {
  serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined;
}

export interface OtlpExporterOptions {
  readonly protocol: OtlpProtocol;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** `gzip`: each request body compressed (default `none`). */
  readonly compression?: OtlpCompression;
  /** PEM files for `https://` endpoints (default: the system's CAs, no client certificate). */
  readonly tls?: OtlpTlsFiles;
  readonly serializer: TraceSerializer;
  /** The exit deadline (epoch ms) once the exit flush started: no export outlives it. */
  readonly deadline: () => number | undefined;
}

const MAX_ATTEMPTS = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;

/** Raised for the spans whose export the exit deadline cut short. */
export class ExitDeadlineError extends OtlpExportError {
  constructor() {
    super('the exit flush deadline passed', 'DEADLINE');
  }
}

/** An OTLP exporter that never holds the event loop open and gives up at the exit deadline. */
export class OtlpExporter implements SpanExporter {
  private readonly transport: OtlpTransport;
  private readonly backoffs = new Set<() => void>();

  constructor(private readonly options: OtlpExporterOptions) {
    this.transport = new OtlpTransport(options.protocol, options.url, options.headers, {
      compression: options.compression ?? 'none',
      tls: options.tls ?? {},
    });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    let body: Uint8Array | undefined;
    try {
      body = this.options.serializer.serializeRequest(spans);
    } catch (error) {
      done({ code: 1, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    if (body === undefined) {
      done({ code: 1, error: new Error('the spans could not be serialized') });
      return;
    }
    void this.transport
      .encode(body)
      .then((encoded) => this.sendWithRetries(encoded))
      .then(done);
  }

  /** Ends every export in flight and every pending retry now, as failed (the exit deadline passed). */
  abandon(): void {
    for (const wake of [...this.backoffs]) wake();
    this.transport.cancelAll(new ExitDeadlineError());
  }

  shutdown(): Promise<void> {
    this.abandon();
    this.transport.close();
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  private async sendWithRetries(body: EncodedBody): Promise<ExportResult> {
    const start = Date.now();
    const exportDeadline = start + this.options.timeoutMs;
    let backoff = INITIAL_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      const until = Math.min(exportDeadline, this.options.deadline() ?? Number.POSITIVE_INFINITY);
      const remaining = until - Date.now();
      if (remaining <= 0) return { code: 1, error: this.deadlineError(exportDeadline) };
      const outcome = await this.transport.send(body, remaining);
      if (outcome.ok) return { code: 0 };
      // Cut short by the exit deadline (our own cap, or the collector's DEADLINE_EXCEEDED for it): say so.
      if (Date.now() >= (this.options.deadline() ?? Number.POSITIVE_INFINITY))
        return { code: 1, error: new ExitDeadlineError() };
      if (!outcome.retryable || attempt >= MAX_ATTEMPTS) return { code: 1, error: outcome.error };
      const wait = outcome.retryAfterMs ?? backoff * (0.8 + Math.random() * 0.4);
      backoff = Math.min(backoff * 1.5, MAX_BACKOFF_MS);
      if (Date.now() + wait >= until) return { code: 1, error: outcome.error };
      if (!(await this.sleep(wait))) return { code: 1, error: new ExitDeadlineError() };
    }
  }

  private deadlineError(exportDeadline: number): Error {
    return Date.now() >= exportDeadline
      ? new OtlpExportError(`no answer within ${this.options.timeoutMs} ms`, 'DEADLINE_EXCEEDED')
      : new ExitDeadlineError();
  }

  /** Waits `ms` on an unref'd timer; false when woken early by {@link abandon}. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.backoffs.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.backoffs.delete(wake);
        resolve(true);
      }, ms);
      timer.unref();
      this.backoffs.add(wake);
    });
  }
}
