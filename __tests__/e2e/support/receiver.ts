/**
 * A real OTLP receiver for the e2e tests: @elastic/mockotlpserver on loopback, port 0, gRPC and/or HTTP.
 * Spans arrive over the wire and are decoded by the receiver's own copy of the OTLP protos; tests await them
 * (`waitForSpans`), never sleep.
 *
 * mockotlpserver publishes what it receives on process-wide diagnostics channels, so every receiver of a process
 * sees every request; a closed receiver ignores them, and tests tell their spans apart by `service.name`.
 */

import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { MockOtlpServer, normalizeTrace } from '@elastic/mockotlpserver';
import { reloadTelemetryConfig } from 'mellea-telemetry';

/** One received span, flattened with its resource and scope. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: string | undefined;
  /** Attribute values as decoded; 64-bit integers arrive as strings (see {@link intAttr}). */
  attributes: Record<string, unknown>;
  status: string | undefined;
  serviceName: unknown;
  resource: Record<string, unknown>;
  scope: string | undefined;
  /** The span as decoded (events, status message, links...), for tests that search everything exported. */
  raw: unknown;
}

/** One received request's headers (gRPC metadata or HTTP headers), lower-case keys. */
export type ReceivedHeaders = Record<string, string>;

type Protocol = 'grpc' | 'http';

export class Receiver {
  readonly spans: ReceivedSpan[] = [];
  readonly headers: ReceivedHeaders[] = [];
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private readonly server: MockOtlpServer;

  private constructor(protocols: Protocol[], ports: { grpc?: number; http?: number }) {
    this.server = new MockOtlpServer({
      services: protocols,
      grpcHostname: '127.0.0.1',
      grpcPort: ports.grpc ?? 0,
      httpHostname: '127.0.0.1',
      httpPort: ports.http ?? 0,
      logLevel: 'error',
      onTrace: (raw) => this.receive(raw),
      onRequest: (request) => {
        if (this.closed) return;
        const source = request.transport === 'grpc' ? (request.metadata?.getMap() ?? {}) : (request.headers ?? {});
        this.headers.push(
          Object.fromEntries(Object.entries(source).map(([key, value]) => [key.toLowerCase(), String(value)])),
        );
      },
    });
  }

  /** Starts a receiver on loopback (port 0 unless given). */
  static async start(
    protocols: Protocol[] = ['grpc'],
    ports: { grpc?: number; http?: number } = {},
  ): Promise<Receiver> {
    const receiver = new Receiver(protocols, ports);
    await receiver.server.start();
    return receiver;
  }

  /** `http://127.0.0.1:PORT` of the gRPC service. */
  get grpcEndpoint(): string {
    return String(this.server.grpcUrl).replace(/\/$/, '');
  }

  /** `http://127.0.0.1:PORT` of the OTLP/HTTP service (append `/v1/traces` for the signal URL). */
  get httpEndpoint(): string {
    return String(this.server.httpUrl).replace(/\/$/, '');
  }

  /** The spans of one service. */
  spansOf(serviceName: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.serviceName === serviceName);
  }

  /**
   * Resolves with the spans of `serviceName` once `done(spans)` holds, checked on every arrival. Rejects after
   * `timeoutMs` (a safety net for a broken build, not a timing assertion) with what did arrive.
   */
  waitForSpans(
    serviceName: string,
    done: (spans: ReceivedSpan[]) => boolean,
    timeoutMs = 20_000,
  ): Promise<ReceivedSpan[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const spans = this.spansOf(serviceName);
        if (!done(spans)) return;
        cleanup();
        resolve(spans);
      };
      const timer = setTimeout(() => {
        cleanup();
        const names = this.spansOf(serviceName).map((span) => span.name);
        reject(new Error(`timed out waiting for spans of ${serviceName}; received: ${names.join(', ') || 'none'}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits for `count` spans of `serviceName`. */
  waitForCount(serviceName: string, count: number, timeoutMs?: number): Promise<ReceivedSpan[]> {
    return this.waitForSpans(serviceName, (spans) => spans.length >= count, timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.server.close();
  }

  private receive(raw: unknown): void {
    if (this.closed) return;
    for (const resourceSpans of normalizeTrace(raw).resourceSpans) {
      const resource = resourceSpans.resource?.attributes ?? {};
      for (const scopeSpans of resourceSpans.scopeSpans) {
        for (const span of scopeSpans.spans) {
          this.spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            attributes: span.attributes ?? {},
            status: span.status?.code,
            serviceName: resource['service.name'],
            resource,
            scope: scopeSpans.scope?.name,
            raw: span,
          });
        }
      }
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** An integer attribute as a number (OTLP int64 values are decoded as strings). */
export function intAttr(span: ReceivedSpan, key: string): number | undefined {
  const value = span.attributes[key];
  return value === undefined ? undefined : Number(value);
}

/** The one span named `name` among `spans`. */
export function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}`);
  return found[0]!;
}

/** A free loopback port: listen on 0, read the port, close. Nothing listens there afterwards. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A "hung collector": accepts TCP connections and never answers a byte. */
export async function hungServer(): Promise<{
  endpoint: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Both scopes on, no flush at exit (the tests flush), plus `env`: the in-process export tests' configuration. */
export function traced(env: Record<string, string>): void {
  reloadTelemetryConfig({
    MELLEA_TRACE_APPLICATION: 'true',
    MELLEA_TRACE_BACKEND: 'true',
    MELLEA_TRACE_FLUSH_ON_EXIT: 'false',
    ...env,
  });
}
