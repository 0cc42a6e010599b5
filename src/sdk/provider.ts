/**
 * The SDK side: a tracer provider with the configured exporters. Loaded only when a scope is enabled — the
 * packages are loaded inside the functions (./sdk-modules), so an application with tracing off (or with only
 * `@opentelemetry/api` installed) never loads the SDK.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from '../config';
import { printableUrl } from '../printable-url';
import { ATTR_SERVICE_NAME } from '../semconv';
import { describeError, warnOnce } from '../warnings';
import { BoundedBatchProcessor } from './batch-processor';
import { ExportGuard, type ExportStats } from './export-guard';
import { createTraceFileProcessor } from './file-exporter';
import { OtlpExporter, type TraceSerializer } from './otlp-exporter';
import { UNAVAILABLE } from './sdk-module';
import { OTLP_GRPC, OTLP_PROTO, RESOURCES, type SdkModule, TRACE_BASE } from './sdk-modules';
import { TreeConsoleProcessor } from './tree-console';

/** A provider this package built, and how to flush and stop it. */
export interface SdkRuntime {
  readonly tracerProvider: TracerProvider;
  /** Counts of the OTLP path (all zero without an endpoint). */
  readonly stats: ExportStats;
  /** True while spans wait in the OTLP queue (the exit flush has work to do). */
  hasPendingSpans(): boolean;
  /** How many spans were ever queued for OTLP export. */
  admittedSpans(): number;
  /** The exit flush started: no export outlives `at` (epoch ms). */
  startExitDeadline(at: number): void;
  /** The exit deadline passed: ends the export in flight and starts no other one. */
  abandon(): void;
  /** The exit flush is over: lifts the deadline; returns the line reporting undelivered spans, if any. */
  endExitDeadline(timeoutMs: number, timedOut: boolean): string | undefined;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

type SdkTraceBase = typeof import('@opentelemetry/sdk-trace-base');
type Resources = typeof import('@opentelemetry/resources');

/** How each protocol's exporter package is loaded (string-literal requires a bundler follows). */
const OTLP_EXPORTER_MODULE = { grpc: OTLP_GRPC, 'http/protobuf': OTLP_PROTO } as const;

interface LoadedSdk {
  base: SdkTraceBase;
  resources: Resources;
  /** The OTLP exporter module, when an endpoint is configured and the package is installed. */
  otlp: unknown;
}

/**
 * Loads what `config` needs. Anything missing gives ONE warning naming every package to install; a package that
 * is installed but fails to load (e.g. a bundle that cannot `require` Node built-ins) gets its own warning.
 */
function loadSdk(config: TelemetryConfig): LoadedSdk | undefined {
  const missing: string[] = [];
  const load = <T>(module: SdkModule<T>): T | undefined => {
    try {
      return module.load();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'MODULE_NOT_FOUND') missing.push(module.name);
      else if (code === UNAVAILABLE) {
        warnOnce(`sdk:load:${module.name}`, `${describeError(error)}; spans are not exported over OTLP.`);
      } else {
        warnOnce(
          `sdk:load:${module.name}`,
          `${module.name} failed to load: ${describeError(error)} ` +
            `(bundled? see "Bundlers, Deno and edge runtimes" in the docs)`,
        );
      }
      return undefined;
    }
  };
  const base = load(TRACE_BASE);
  const resources = load(RESOURCES);
  const exporterModule = config.otlpEndpoint === undefined ? undefined : OTLP_EXPORTER_MODULE[config.otlpProtocol];
  const otlp = exporterModule === undefined ? undefined : load<unknown>(exporterModule);
  const stillOff = base === undefined || resources === undefined;
  if (missing.length > 0) {
    warnOnce(
      'sdk:missing',
      `tracing is enabled but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed; ` +
        `install with: npm install ${missing.join(' ')}` +
        (stillOff
          ? ' @opentelemetry/context-async-hooks. Tracing stays off (all calls are no-ops).'
          : '. Spans are not exported over OTLP.'),
    );
  } else if (stillOff) warnOnce('sdk:off', 'the OpenTelemetry SDK could not be loaded: tracing stays off.');
  if (stillOff) return undefined;
  return { base: base!, resources: resources!, otlp };
}

function createSampler(base: SdkTraceBase, { name, ratio }: TelemetryConfig['sampler']): Sampler {
  const root = (kind: string): Sampler =>
    kind === 'always_off'
      ? new base.AlwaysOffSampler()
      : kind === 'traceidratio'
        ? new base.TraceIdRatioBasedSampler(ratio)
        : new base.AlwaysOnSampler();
  return name.startsWith('parentbased_')
    ? new base.ParentBasedSampler({ root: root(name.slice('parentbased_'.length)) })
    : root(name);
}

/**
 * The OTLP exporter for the configured protocol, with endpoint, headers and timeout from the config: this
 * package's own (otlp-exporter.ts), which never holds a finished process open, on the SDK's protobuf serializer
 * (`@opentelemetry/otlp-transformer`, the copy the exporter packages use too: one version in the tree). A
 * string-literal `require`, so a bundler that bundles this package bundles the serializer too.
 */
function otlpSerializer(): TraceSerializer {
  return (require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer'))
    .ProtobufTraceSerializer;
}

function createOtlpExporter(
  config: TelemetryConfig,
  serializer: TraceSerializer,
  deadline: () => number | undefined,
): OtlpExporter {
  return new OtlpExporter({
    protocol: config.otlpProtocol,
    url: config.otlpEndpoint!,
    headers: { ...config.otlpHeaders },
    timeoutMs: config.otlpTimeoutMs,
    compression: config.otlpCompression,
    tls: config.otlpTls,
    serializer,
    deadline,
  });
}

/**
 * Builds a provider with the console exporter (MELLEA_TRACE_CONSOLE, printed as each span ends) and the OTLP
 * exporter (behind a bounded batch processor). Neither configured: spans are recorded and dropped. Returns
 * undefined (with one warning) when the SDK packages are not installed.
 */
export function createSdkRuntime(
  config: TelemetryConfig,
  extraProcessors: readonly SpanProcessor[] = [],
): SdkRuntime | undefined {
  const sdk = loadSdk(config);
  if (sdk === undefined) return undefined;
  const { base, resources } = sdk;
  const spanProcessors: SpanProcessor[] = [...extraProcessors];
  if (config.console && config.consoleFormat === 'tree') spanProcessors.push(new TreeConsoleProcessor());
  else if (config.console) spanProcessors.push(new base.SimpleSpanProcessor(new base.ConsoleSpanExporter()));
  const traceFile =
    config.traceFile === undefined
      ? undefined
      : createTraceFileProcessor(config.traceFile, { ...config.batch, writeAtExit: config.flushOnExit });
  if (traceFile !== undefined) spanProcessors.push(traceFile);
  let guard: ExportGuard | undefined;
  let batch: BoundedBatchProcessor | undefined;
  let exitDeadline: number | undefined;
  if (config.otlpEndpoint !== undefined && sdk.otlp !== undefined) {
    try {
      guard = new ExportGuard(config.otlpEndpoint, config.batch.maxQueueSize);
      const serializer = otlpSerializer();
      const exporter = guard.exporter(() => createOtlpExporter(config, serializer, () => exitDeadline));
      batch = new BoundedBatchProcessor(exporter, guard, config.batch);
      spanProcessors.push(batch);
    } catch (error) {
      guard = undefined;
      batch = undefined;
      warnOnce(
        'sdk:otlp',
        `could not create the OTLP exporter for ${printableUrl(config.otlpEndpoint)}: ${describeError(error)}. ` +
          `Spans are not exported over OTLP.`,
      );
    }
  }
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ ...config.resourceAttributes, [ATTR_SERVICE_NAME]: config.serviceName }));
  const provider = new base.BasicTracerProvider({
    resource,
    spanProcessors,
    sampler: createSampler(base, config.sampler),
  });
  const stats = guard?.stats ?? { exported: 0, failed: 0, dropped: 0, queued: 0, inFlight: 0 };
  const settle = (work: Promise<void>): Promise<void> => (guard === undefined ? work : guard.settle(work));
  return {
    tracerProvider: provider,
    stats,
    hasPendingSpans: () => stats.queued + stats.inFlight > 0 || traceFile?.hasPendingSpans() === true,
    admittedSpans: () => (guard?.admitted ?? 0) + (traceFile?.admittedSpans() ?? 0),
    startExitDeadline: (at) => {
      exitDeadline = at;
      guard?.exitFlushing(true);
      batch?.resume();
    },
    abandon: () => batch?.abandon(),
    endExitDeadline: (timeoutMs, timedOut) => {
      exitDeadline = undefined;
      guard?.exitFlushing(false);
      batch?.resume();
      return guard?.exitReport(timeoutMs, timedOut);
    },
    forceFlush: () => settle(provider.forceFlush()),
    shutdown: () => settle(provider.shutdown()),
  };
}
