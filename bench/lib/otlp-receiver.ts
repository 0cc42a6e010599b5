/**
 * A real OTLP/gRPC receiver (@elastic/mockotlpserver) on loopback, in a child process of its own so that
 * decoding requests does not share an event loop with the program producing spans. It tells its parent the
 * URL, then answers `count` messages with the number of spans received so far.
 */

interface ExportTraceRequest {
  resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
}

interface MockOtlpServerLike {
  grpcUrl: URL;
  start(): Promise<void>;
  close(): Promise<void>;
}

// Required with a local type: the package ships no type declarations.
const { MockOtlpServer } = require('@elastic/mockotlpserver') as {
  MockOtlpServer: new (options: {
    services: string[];
    grpcHostname: string;
    grpcPort: number;
    logLevel: string;
    onTrace: (request: ExportTraceRequest) => void;
  }) => MockOtlpServerLike;
};

/** Messages between the export group and this receiver. */
export type ReceiverMessage = { type: 'ready'; url: string } | { type: 'count'; spans: number; requests: number };

let spans = 0;
let requests = 0;

function countSpans(request: ExportTraceRequest): void {
  requests++;
  for (const resource of request.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
  }
}

async function main(): Promise<void> {
  const server = new MockOtlpServer({
    services: ['grpc'],
    grpcHostname: '127.0.0.1',
    grpcPort: 0,
    logLevel: 'warn',
    onTrace: countSpans,
  });
  await server.start();
  const send = (message: ReceiverMessage): void => void process.send?.(message);
  process.on('message', (message: string) => {
    if (message === 'count') send({ type: 'count', spans, requests });
    if (message === 'close') void server.close().finally(() => process.disconnect());
  });
  send({ type: 'ready', url: String(server.grpcUrl) });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
