// @elastic/mockotlpserver 0.10.0 ships no type declarations; this is the part of its API the e2e tests use.
declare module '@elastic/mockotlpserver' {
  export interface MockOtlpServerOptions {
    services?: Array<'http' | 'grpc' | 'ui'>;
    logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
    grpcHostname?: string;
    grpcPort?: number;
    httpHostname?: string;
    httpPort?: number;
    /** Called with each received ExportTraceServiceRequest (raw; see normalizeTrace). */
    onTrace?: (trace: unknown) => void;
    /** Called with each received ExportMetricsServiceRequest (raw; see normalizeMetrics). */
    onMetrics?: (metrics: unknown) => void;
    /** Called for each received request: gRPC `{ transport, path, metadata }` or HTTP `{ transport, method, path, headers }`. */
    onRequest?: (request: {
      transport: 'grpc' | 'http';
      path: string;
      metadata?: { getMap(): Record<string, unknown> };
      headers?: Record<string, string | string[] | undefined>;
    }) => void;
  }

  export class MockOtlpServer {
    constructor(options?: MockOtlpServerOptions);
    start(): Promise<void>;
    close(): Promise<void>;
    grpcUrl: URL | null;
    httpUrl: URL | null;
  }

  /** Trace ids in hex, kinds as strings, attributes as a plain object, longs as strings. */
  export function normalizeTrace(raw: unknown): {
    resourceSpans: Array<{
      resource?: { attributes?: Record<string, unknown> };
      scopeSpans: Array<{
        scope?: { name: string; version?: string };
        spans: Array<{
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          name: string;
          kind?: string;
          attributes?: Record<string, unknown>;
          status?: { code?: string; message?: string };
        }>;
      }>;
    }>;
  };

  /** Metrics as JSON with attributes as plain objects and longs as strings. */
  export function normalizeMetrics(raw: unknown): {
    resourceMetrics: Array<{
      resource?: { attributes?: Record<string, unknown> };
      scopeMetrics: Array<{ scope?: { name: string; version?: string }; metrics: Array<Record<string, unknown>> }>;
    }>;
  };
}
