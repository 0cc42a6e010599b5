/**
 * The SDK side of metrics: a `MeterProvider` with the configured readers — console and OTLP (each behind a
 * periodic reader, `OTEL_METRIC_EXPORT_INTERVAL`) and a Prometheus scrape endpoint. Loaded only when metrics are
 * on; the packages are `require`d here with literal names (bundlers can follow them), like the trace SDK in
 * provider.ts.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricsConfig, TelemetryConfig } from '../config';
import { AggregatingSink } from '../metrics/aggregation';
import { printableUrl } from '../printable-url';
import { ATTR_SERVICE_NAME } from '../semconv';
import { describeError, warnOnce } from '../warnings';

type SdkMetrics = typeof import('@opentelemetry/sdk-metrics');
type Resources = typeof import('@opentelemetry/resources');

/** A meter provider this package built, and how to flush and stop it. */
export interface MetricsRuntime {
  readonly meterProvider: MeterProvider;
  /** Where the recorder writes: this package's aggregation, read by every reader of the provider. */
  readonly sink: AggregatingSink;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A missing package: one warning naming what to install. */
function missing(name: string, error: unknown, consequence: string): undefined {
  if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') {
    warnOnce(
      `metrics:missing:${name}`,
      `metrics are enabled but ${name} is not installed (npm install ${name}); ${consequence}`,
    );
  } else {
    warnOnce(`metrics:load:${name}`, `${name} failed to load: ${describeError(error)}; ${consequence}`);
  }
  return undefined;
}

function loadSdkMetrics(): SdkMetrics | undefined {
  try {
    return require('@opentelemetry/sdk-metrics') as SdkMetrics;
  } catch (error) {
    return missing('@opentelemetry/sdk-metrics', error, 'metrics stay off.');
  }
}

function otlpMetricExporter(metrics: MetricsConfig, timeoutMillis: number): unknown {
  const url = metrics.otlpEndpoint!;
  const headers = { ...metrics.otlpHeaders };
  if (metrics.otlpProtocol === 'http/protobuf') {
    let module: typeof import('@opentelemetry/exporter-metrics-otlp-proto');
    try {
      module = require('@opentelemetry/exporter-metrics-otlp-proto');
    } catch (error) {
      return missing('@opentelemetry/exporter-metrics-otlp-proto', error, 'metrics are not exported over OTLP.');
    }
    return new module.OTLPMetricExporter({ url, headers, timeoutMillis });
  }
  let module: typeof import('@opentelemetry/exporter-metrics-otlp-grpc');
  try {
    module = require('@opentelemetry/exporter-metrics-otlp-grpc');
  } catch (error) {
    return missing('@opentelemetry/exporter-metrics-otlp-grpc', error, 'metrics are not exported over OTLP.');
  }
  if (Object.keys(headers).length === 0) return new module.OTLPMetricExporter({ url, timeoutMillis });
  // gRPC carries headers as metadata, built with the grpc-js copy the exporter itself uses.
  const { createRequire } = require('node:module') as typeof import('node:module');
  const exporterRequire = createRequire(require.resolve('@opentelemetry/exporter-metrics-otlp-grpc'));
  const { createEmptyMetadata } = exporterRequire(
    '@opentelemetry/otlp-grpc-exporter-base',
  ) as typeof import('@opentelemetry/otlp-grpc-exporter-base');
  const metadata = createEmptyMetadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return new module.OTLPMetricExporter({ url, timeoutMillis, metadata });
}

function prometheusReader(port: number, metricProducers: MetricProducer[]): MetricReader | undefined {
  let module: typeof import('@opentelemetry/exporter-prometheus');
  try {
    module = require('@opentelemetry/exporter-prometheus');
  } catch (error) {
    return missing('@opentelemetry/exporter-prometheus', error, 'no Prometheus endpoint is served.');
  }
  return new module.PrometheusExporter({ port, metricProducers }, (error) => {
    if (error)
      warnOnce(
        'metrics:prometheus',
        `the Prometheus endpoint on port ${port} could not start: ${describeError(error)}`,
      );
  });
}

/**
 * Builds a meter provider from `config.metrics`, its readers fed by this package's aggregation. Undefined, with
 * one warning, when `@opentelemetry/sdk-metrics` is missing.
 */
export function createMetricsRuntime(config: TelemetryConfig): MetricsRuntime | undefined {
  const sdk = loadSdkMetrics();
  if (sdk === undefined) return undefined;
  const settings = config.metrics;
  const sink = new AggregatingSink(sdk);
  const metricProducers = [sink];
  const readers: MetricReader[] = [];
  const periodic = (exporter: unknown): MetricReader =>
    new sdk.PeriodicExportingMetricReader({
      metricProducers,
      exporter: exporter as InstanceType<SdkMetrics['ConsoleMetricExporter']>,
      exportIntervalMillis: settings.exportIntervalMs,
      // The SDK refuses a timeout longer than the interval.
      exportTimeoutMillis: Math.min(settings.otlpTimeoutMs, settings.exportIntervalMs),
    });
  if (settings.console) readers.push(periodic(new sdk.ConsoleMetricExporter()));
  if (settings.otlpEndpoint !== undefined) {
    try {
      const exporter = otlpMetricExporter(settings, settings.otlpTimeoutMs);
      if (exporter !== undefined) readers.push(periodic(exporter));
    } catch (error) {
      warnOnce(
        'metrics:otlp',
        `could not create the OTLP metric exporter for ${printableUrl(settings.otlpEndpoint)}: ${describeError(error)}`,
      );
    }
  }
  if (settings.prometheusPort !== undefined) {
    const reader = prometheusReader(settings.prometheusPort, metricProducers);
    if (reader !== undefined) readers.push(reader);
  }
  let resource: ReturnType<Resources['resourceFromAttributes']> | undefined;
  try {
    const resources = require('@opentelemetry/resources') as Resources;
    resource = resources
      .defaultResource()
      .merge(
        resources.resourceFromAttributes({ ...config.resourceAttributes, [ATTR_SERVICE_NAME]: config.serviceName }),
      );
  } catch (error) {
    missing('@opentelemetry/resources', error, 'metrics carry the SDK default resource.');
  }
  const provider = new sdk.MeterProvider({ readers, ...(resource === undefined ? {} : { resource }) });
  return {
    meterProvider: provider,
    sink,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
