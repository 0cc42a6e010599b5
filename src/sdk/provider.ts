/**
 * The SDK side: a tracer provider with the configured exporters. Loaded only when a scope is enabled — the
 * packages are `require`d inside the function, so an application with tracing off never loads the SDK.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { TelemetryConfig } from '../config';
import { ATTR_SERVICE_NAME } from '../semconv';
import { describeError, warnOnce } from '../warnings';

/** A provider this package built, and how to flush and stop it. */
export interface SdkRuntime {
  readonly tracerProvider: TracerProvider;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Builds a provider with the console exporter (MELLEA_TRACE_CONSOLE, printed as each span ends) and the OTLP
 * gRPC exporter (OTEL_EXPORTER_OTLP_ENDPOINT, behind a batch processor). Neither configured: spans are
 * recorded and dropped. Returns undefined (with one warning) when the SDK packages are not installed.
 */
export function createSdkRuntime(config: TelemetryConfig): SdkRuntime | undefined {
  let base: typeof import('@opentelemetry/sdk-trace-base');
  let resources: typeof import('@opentelemetry/resources');
  try {
    base = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
    resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  } catch (error) {
    warnOnce(
      'sdk:missing',
      `tracing is enabled but the OpenTelemetry SDK could not be loaded (${describeError(error)}); ` +
        `install it with: npm install @opentelemetry/sdk-trace-base @opentelemetry/resources. Tracing stays off.`,
    );
    return undefined;
  }
  const spanProcessors: import('@opentelemetry/sdk-trace-base').SpanProcessor[] = [];
  if (config.console) spanProcessors.push(new base.SimpleSpanProcessor(new base.ConsoleSpanExporter()));
  if (config.otlpEndpoint !== undefined) {
    try {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      spanProcessors.push(new base.BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpEndpoint })));
    } catch (error) {
      warnOnce(
        'sdk:otlp-missing',
        `OTEL_EXPORTER_OTLP_ENDPOINT is set but @opentelemetry/exporter-trace-otlp-grpc could not be loaded ` +
          `(${describeError(error)}); install it to export spans.`,
      );
    }
  }
  const resource = resources.defaultResource().merge(
    resources.resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
  );
  const provider = new base.BasicTracerProvider({ resource, spanProcessors });
  return {
    tracerProvider: provider,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
