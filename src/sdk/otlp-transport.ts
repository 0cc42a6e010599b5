/**
 * One OTLP request on the wire, over Node's own `http2` (OTLP/gRPC) or `http`/`https` (OTLP/HTTP protobuf).
 * The official exporters hold the event loop open while a request is in flight (a ref'd HTTP/2 session, a ref'd
 * retry timer), so a finished program waits for a hung collector until the export timeout. Here every socket,
 * session and timer is unref'd — the exit flush (exit-flush.ts) keeps the process alive exactly as long as it
 * chooses — and every request can be cancelled.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { type ClientHttp2Session, connect } from 'node:http2';
import * as https from 'node:https';
import { gzip } from 'node:zlib';
import { ENV, type OtlpCompression, type OtlpProtocol, type OtlpTlsFiles } from '../config';
import { CONTENT_FREE_MESSAGE } from '../error-description';
import { describeError, warnOnce } from '../warnings';

/** A request body ready for the wire. */
export interface EncodedBody {
  readonly bytes: Uint8Array;
  readonly gzipped: boolean;
}

/** How one request ended. `retryable`: the OTLP specification says to try again (UNAVAILABLE, 429, 503...). */
export type SendOutcome = { ok: true } | { ok: false; retryable: boolean; error: Error; retryAfterMs?: number };

/** An OTLP/gRPC status (or a transport failure) as an error; its message names the status, never a header. */
export class OtlpExportError extends Error {
  override readonly name = 'OtlpExportError';
  constructor(
    message: string,
    /** The gRPC status code, or the HTTP status for OTLP/HTTP. */
    readonly code: number | string | undefined,
  ) {
    super(message);
  }

  /** Built from status codes only: safe to print with content off. */
  get [CONTENT_FREE_MESSAGE](): string {
    return this.message;
  }
}

/** gRPC status codes a client retries (OTLP/gRPC specification). */
const GRPC_RETRYABLE = new Set([1, 4, 8, 10, 11, 14, 15]);
const HTTP_RETRYABLE = new Set([429, 502, 503, 504]);
const TRACE_SERVICE_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** How requests are encoded and secured, beyond endpoint and headers. */
export interface TransportOptions {
  readonly compression: OtlpCompression;
  /** PEM files (paths) for `https://`: read once, here. */
  readonly tls: OtlpTlsFiles;
}

/** The TLS material of {@link OtlpTlsFiles}, read from disk. */
interface TlsMaterial {
  ca?: Buffer;
  key?: Buffer;
  cert?: Buffer;
}

/**
 * Reads the PEM files. One that cannot be read is one warning naming its setting and path (a path is not a
 * secret; the file's content is never printed), and is left out: the system's CAs, or no client certificate.
 */
function readTlsMaterial(files: OtlpTlsFiles): TlsMaterial {
  const read = (path: string | undefined, setting: string, effect: string): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      warnOnce(
        `otlp:tls:${setting}:${path}`,
        `${setting} ${JSON.stringify(path)} cannot be read (${describeError(error)}); ${effect}.`,
      );
      return undefined;
    }
  };
  const material: TlsMaterial = {};
  const ca = read(files.certificate, `${ENV.otlpCertificate} (otlpCertificate)`, 'the system CAs are trusted instead');
  if (ca !== undefined) material.ca = ca;
  const noClient = 'no client certificate is presented';
  const key = read(files.clientKey, `${ENV.otlpClientKey} (otlpClientKey)`, noClient);
  const cert = read(files.clientCertificate, `${ENV.otlpClientCertificate} (otlpClientCertificate)`, noClient);
  if (key !== undefined && cert !== undefined) {
    material.key = key;
    material.cert = cert;
  }
  return material;
}

/** Sends serialized OTLP requests to one endpoint; `cancelAll()` ends every request in flight now. */
export class OtlpTransport {
  private session: ClientHttp2Session | undefined;
  private readonly inFlight = new Set<(error: Error) => void>();
  private readonly gzip: boolean;
  private readonly tls: TlsMaterial;

  constructor(
    private readonly protocol: OtlpProtocol,
    private readonly url: string,
    private readonly headers: Readonly<Record<string, string>>,
    options: TransportOptions = { compression: 'none', tls: {} },
  ) {
    this.gzip = options.compression === 'gzip';
    this.tls = isHttps(url) ? readTlsMaterial(options.tls) : {};
  }

  /**
   * The request body as it goes on the wire: gzip-compressed (on the thread pool, not the event loop) when
   * compression is on. Compressed once per export, then sent as often as retries need. Never rejects: a body
   * that cannot be compressed is sent as is (and marked so).
   */
  encode(body: Uint8Array): Promise<EncodedBody> {
    if (!this.gzip) return Promise.resolve({ bytes: body, gzipped: false });
    return new Promise((resolve) => {
      gzip(body, (error, compressed) => {
        if (error !== null) {
          warnOnce('otlp:gzip', `an export could not be compressed and is sent uncompressed: ${describeError(error)}`);
          resolve({ bytes: body, gzipped: false });
        } else resolve({ bytes: compressed, gzipped: true });
      });
    });
  }

  /** Sends `body` (from {@link encode}), giving up after `timeoutMs`. Never rejects. */
  send(body: EncodedBody, timeoutMs: number): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      let cancel: (error: Error) => void = () => undefined;
      const finish = (outcome: SendOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(abort);
        resolve(outcome);
      };
      const abort = (error: Error): void => {
        cancel(error);
        finish({ ok: false, retryable: false, error });
      };
      const timer = setTimeout(
        () => abort(new OtlpExportError(`no answer within ${timeoutMs} ms`, 'DEADLINE_EXCEEDED')),
        Math.max(1, timeoutMs),
      );
      timer.unref();
      this.inFlight.add(abort);
      try {
        cancel =
          this.protocol === 'grpc' ? this.sendGrpc(body, timeoutMs, finish) : this.sendHttp(body, timeoutMs, finish);
      } catch (error) {
        finish({ ok: false, retryable: false, error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
  }

  /** Ends every request in flight with `error` (their sends resolve as failed). */
  cancelAll(error: Error): void {
    for (const abort of [...this.inFlight]) abort(error);
  }

  /** Cancels what is in flight and closes the connection. */
  close(): void {
    this.cancelAll(new OtlpExportError('the exporter was shut down', 'CANCELLED'));
    this.session?.destroy();
    this.session = undefined;
  }

  private grpcSession(): ClientHttp2Session {
    if (this.session !== undefined && !this.session.closed && !this.session.destroyed) return this.session;
    const target = new URL(this.url);
    // gRPC over TLS for https://, plaintext (h2c) otherwise — as the official gRPC exporter decides.
    const origin = `${target.protocol === 'https:' ? 'https:' : 'http:'}//${target.host}`;
    const session = connect(origin, this.tls);
    session.unref();
    session.on('error', () => undefined); // each request reports its own failure
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
    return session;
  }

  private sendGrpc(body: EncodedBody, timeoutMs: number, finish: (outcome: SendOutcome) => void) {
    const session = this.grpcSession();
    const request = session.request({
      ':method': 'POST',
      ':path': TRACE_SERVICE_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m`,
      ...(body.gzipped ? { 'grpc-encoding': 'gzip' } : {}),
      ...lowerCaseKeys(this.headers),
    });
    let status: string | undefined;
    let message: string | undefined;
    const read = (headers: Record<string, unknown>): void => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
      if (headers['grpc-message'] !== undefined) message = String(headers['grpc-message']);
    };
    request.on('response', (headers) => read(headers));
    request.on('trailers', (headers) => read(headers));
    request.on('data', () => undefined); // the response message (partial success) is not needed
    request.on('error', (error) => finish(networkFailure(error)));
    request.on('close', () => {
      if (status === undefined) {
        finish({
          ok: false,
          retryable: true,
          error: new OtlpExportError('the connection closed without a status', 14),
        });
        return;
      }
      const code = Number(status);
      if (code === 0) finish({ ok: true });
      else {
        const text = `gRPC status ${code}${message === undefined ? '' : ` (${safeStatusText(message)})`}`;
        finish({ ok: false, retryable: GRPC_RETRYABLE.has(code), error: new OtlpExportError(text, code) });
      }
    });
    // Length-prefixed message: 1 byte "compressed" flag, 4 bytes big-endian length, the (gzipped) protobuf bytes.
    const bytes = body.bytes;
    const frame = Buffer.alloc(5 + bytes.byteLength);
    frame.writeUInt8(body.gzipped ? 1 : 0, 0);
    frame.writeUInt32BE(bytes.byteLength, 1);
    frame.set(bytes, 5);
    request.end(frame);
    return (): void => void request.close(0x8); // NGHTTP2_CANCEL
  }

  private sendHttp(body: EncodedBody, _timeoutMs: number, finish: (outcome: SendOutcome) => void) {
    const target = new URL(this.url);
    const bytes = body.bytes;
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      ...this.tls,
      headers: {
        ...this.headers,
        'content-type': 'application/x-protobuf',
        'content-length': bytes.byteLength,
        ...(body.gzipped ? { 'content-encoding': 'gzip' } : {}),
      },
    });
    request.on('socket', (socket) => socket.unref());
    request.on('error', (error) => finish(networkFailure(error)));
    request.on('response', (response) => {
      response.resume();
      response.on('error', (error) => finish(networkFailure(error)));
      response.on('end', () => {
        const code = response.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          finish({ ok: true });
          return;
        }
        const retryAfter = Number(response.headers['retry-after']);
        finish({
          ok: false,
          retryable: HTTP_RETRYABLE.has(code),
          error: new OtlpExportError(`HTTP ${code}`, code),
          ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
        });
      });
    });
    request.end(bytes);
    return (error: Error): void => void request.destroy(error);
  }
}

/** Nobody listens there (or the name does not resolve): retrying within this export would only delay it. */
const NOT_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The collector's certificate is not trusted, or TLS itself failed: a setting to fix, not a moment to wait out. */
const TLS_REFUSED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const notRetryable = (code: string): boolean =>
  NOT_THERE.has(code) || TLS_REFUSED.has(code) || code.startsWith('ERR_SSL_');

function networkFailure(failure: Error): SendOutcome {
  // An HTTP/2 stream fails with ERR_HTTP2_STREAM_CANCEL, caused by the socket's own error.
  const cause = (failure as { cause?: unknown }).cause;
  // Duck-typed: errors from Node's core are of another realm's Error under test runners such as Jest.
  const error = typeof cause === 'object' && cause !== null && 'code' in cause ? (cause as unknown as Error) : failure;
  const code = (error as { code?: unknown }).code;
  const retryable = !(typeof code === 'string' && notRetryable(code));
  // Only the code and the class: a network error's message may quote the URL.
  const text = typeof code === 'string' ? `${error.name} ${code}${tlsHint(code)}` : error.name;
  return { ok: false, retryable, error: new OtlpExportError(text, typeof code === 'string' ? code : undefined) };
}

/** What to set when TLS is what failed. */
function tlsHint(code: string): string {
  if (TLS_REFUSED.has(code))
    return " (the collector's certificate is not trusted: OTEL_EXPORTER_OTLP_CERTIFICATE names a CA file to trust)";
  if (code.includes('CERTIFICATE_REQUIRED'))
    return ' (the collector asks for a client certificate: OTEL_EXPORTER_OTLP_CLIENT_KEY and _CLIENT_CERTIFICATE)';
  return '';
}

/** A collector's `grpc-message`: percent-decoded, one line, bounded. */
function safeStatusText(message: string): string {
  let text = message;
  try {
    text = decodeURIComponent(message);
  } catch {
    // as sent
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}
