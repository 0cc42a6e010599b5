/**
 * The worker build's OTLP transport (`workerd` / `worker` export condition): none. OTLP export needs Node's
 * `http2` / `http`, which a Worker does not have (the OTLP exporter packages report as unavailable there too, so
 * this transport is never constructed). Same exports as otlp-transport.ts, without importing Node networking.
 */
import type { OtlpProtocol } from '../config';
import { CONTENT_FREE_MESSAGE } from '../error-description';
import type { EncodedBody, TransportOptions } from './otlp-transport';

export type { EncodedBody, SendOutcome, TransportOptions } from './otlp-transport';

/** As in otlp-transport.ts. */
export class OtlpExportError extends Error {
  override readonly name = 'OtlpExportError';
  constructor(
    message: string,
    readonly code: number | string | undefined,
  ) {
    super(message);
  }

  get [CONTENT_FREE_MESSAGE](): string {
    return this.message;
  }
}

/** Never constructed in a Worker: throws if it is. */
export class OtlpTransport {
  constructor(
    _protocol: OtlpProtocol,
    _url: string,
    _headers: Readonly<Record<string, string>>,
    _options?: TransportOptions,
  ) {
    throw new OtlpExportError('OTLP export is not available in the worker build (it needs Node networking)', undefined);
  }

  encode(_body: Uint8Array): Promise<EncodedBody> {
    return Promise.reject(new Error('unreachable'));
  }

  send(_body: EncodedBody, _timeoutMs: number): Promise<never> {
    return Promise.reject(new Error('unreachable'));
  }

  cancelAll(_error: Error): void {}

  close(): void {}
}
