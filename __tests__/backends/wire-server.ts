/**
 * A loopback HTTP server (127.0.0.1, port 0) for backend tests: records every request (method, path, headers,
 * parsed JSON body) and answers through a per-test handler with the real wire formats.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
  /** Resolves when the client closed or finished the exchange (lets tests see aborted requests). */
  readonly closed: Promise<void>;
}

export type WireHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

export interface WireServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Replaces the handler for the next requests. */
  handle(handler: WireHandler): void;
  close(): Promise<void>;
}

export interface ListeningWireServer extends WireServer {
  listen(): Promise<void>;
}

/** A server that is not listening yet: `listen()` opens 127.0.0.1 on a free port; `url` is valid after. */
export function createWireServer(
  handler: WireHandler = (_, res) => sendJson(res, 404, { error: 'no handler' }),
): ListeningWireServer {
  let current = handler;
  let url = '';
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        closed,
      };
      requests.push(received);
      void Promise.resolve(current(received, res)).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  return {
    get url() {
      return url;
    },
    requests,
    handle(next) {
      current = next;
    },
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startWireServer(handler?: WireHandler): Promise<WireServer> {
  const server = createWireServer(handler);
  await server.listen();
  return server;
}

/**
 * One server for a test file: listening before the first test; after each test its requests are forgotten and
 * `handler` is back in place; closed at the end.
 */
export function useWireServer(handler?: WireHandler): WireServer {
  const server = createWireServer(handler);
  beforeAll(() => server.listen());
  afterEach(() => {
    server.requests.length = 0;
    if (handler !== undefined) server.handle(handler);
  });
  afterAll(() => server.close());
  return server;
}

/** A port on 127.0.0.1 where nothing listens (a server was opened there and closed). */
export async function closedPort(): Promise<string> {
  const server = await startWireServer();
  const url = server.url;
  await server.close();
  return url;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Server-Sent Events as OpenAI sends them: `data: {json}\n\n` per event, then `data: [DONE]\n\n`. */
export function sendSse(res: ServerResponse, events: readonly unknown[], done = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const event of events) res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

/** NDJSON as Ollama streams it: one JSON object per line. */
export function sendNdjson(res: ServerResponse, lines: readonly unknown[]): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const line of lines) res.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
  res.end();
}

/** The `traceparent` a span with these ids sends (`00-traceId-spanId-01` for a sampled span). */
export function traceparentOf(span: {
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
}): string {
  const ids = span.spanContext();
  return `00-${ids.traceId}-${ids.spanId}-${ids.traceFlags.toString(16).padStart(2, '0')}`;
}
