/**
 * Fault-injecting OTLP/gRPC receivers: a real gRPC server (@grpc/grpc-js) serving the OTLP TraceService from the
 * `.proto` files shipped with @elastic/mockotlpserver, which answers each export after `delayMs` — or never
 * (`delayMs: 'never'`, a hung collector that accepts and decodes the request but does not reply).
 */
import { dirname } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface FaultReceiver {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Spans received (decoded), answered or not. */
  spans(): number;
  /** Export requests received. */
  requests(): number;
  close(): Promise<void>;
}

const PROTO_ROOT = dirname(require.resolve('@elastic/mockotlpserver/package.json'));

export async function faultReceiver(delayMs: number | 'never'): Promise<FaultReceiver> {
  const definition = protoLoader.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
  });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    opentelemetry: { proto: { collector: { trace: { v1: { TraceService: { service: grpc.ServiceDefinition } } } } } };
  };
  let spans = 0;
  let requests = 0;
  const pending = new Set<NodeJS.Timeout>();
  const server = new grpc.Server();
  server.addService(proto.opentelemetry.proto.collector.trace.v1.TraceService.service, {
    Export: (
      call: grpc.ServerUnaryCall<{ resource_spans?: { scope_spans?: { spans?: unknown[] }[] }[] }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      requests++;
      for (const resource of call.request.resource_spans ?? [])
        for (const scope of resource.scope_spans ?? []) spans += scope.spans?.length ?? 0;
      if (delayMs === 'never') return;
      const timer = setTimeout(() => {
        pending.delete(timer);
        callback(null, {});
      }, delayMs);
      pending.add(timer);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => spans,
    requests: () => requests,
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      server.forceShutdown();
    },
  };
}
