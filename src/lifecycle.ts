/**
 * The telemetry lifecycle: configuration read once at load, `reloadTelemetryConfig()` for tests, status
 * queries, flush and shutdown.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { conventions } from './attributes/latest-conventions';
import { ENV, exporterConfig, readTelemetryConfig, type TelemetryConfig, type TelemetryOverrides } from './config';
import { OVERRIDE_NAMES } from './config-options';
import type { ContentRedactor } from './content/redact';
import { applyMetricsConfig, flushMetrics, type MetricsOptions, shutdownMetrics } from './metrics/metrics-lifecycle';
import { abandonOpenStreams } from './open-streams';
import { ensureContextManager, releaseContextManager } from './sdk/context-manager';
import type { ExportStats } from './sdk/export-guard';
import { applicationPipeline, bounded, type Pipeline, sdkPipeline } from './sdk/pipeline';
import { APPLICATION_TRACER_NAME, BACKEND_TRACER_NAME } from './semconv';
import { state } from './state';
import { VERSION } from './version';
import { resetWarnings, warnOnce } from './warnings';

const LIFECYCLE_KEY = Symbol.for('mellea-telemetry.lifecycle.v2');

/**
 * Options of {@link configureTelemetry}: every setting the environment takes ({@link TelemetryOverrides}; each
 * takes precedence over its variable), plus the provider and processors only code can give.
 *
 * @example
 * configureTelemetry({
 *   application: true,
 *   backend: true,
 *   serviceName: 'answer-service',
 *   otlpEndpoint: 'http://collector:4317',
 *   otlpHeaders: { 'x-api-key': process.env.COLLECTOR_KEY ?? '' },
 *   sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
 *   batch: { maxQueueSize: 8192 },
 * });
 */
export interface TelemetryOptions extends TelemetryOverrides, MetricsOptions {
  /**
   * Send this package's spans through the application's own provider (e.g. the one a `NodeSDK` built) instead
   * of building one from the `OTEL_*` settings. The application then owns export, flush on exit and shutdown;
   * `forceFlushTelemetry()` calls the provider's `forceFlush()` and `shutdownTelemetry()` never shuts it down.
   */
  tracerProvider?: TracerProvider;
  /**
   * More span processors for the provider built from the environment, next to its console and OTLP ones — e.g. a
   * `SimpleSpanProcessor(new InMemorySpanExporter())` to print the run's span tree, or an exporter of your own.
   * Ignored when `tracerProvider` is given (add processors to that provider instead).
   */
  spanProcessors?: readonly SpanProcessor[];
  /**
   * Sees every content attribute (messages, `response`, evaluation explanations) before it is recorded, and
   * returns it, a changed copy, or `undefined` to drop it; a throw drops it too. See {@link ContentRedactor}.
   */
  redact?: ContentRedactor;
}

interface Lifecycle {
  config: TelemetryConfig;
  options: TelemetryOptions;
  pipeline: Pipeline | undefined;
  /** The counts of the last pipeline `shutdownTelemetry()` stopped: its final figures stay readable. */
  finalStats?: ExportStats;
}

const holder = globalThis as { [LIFECYCLE_KEY]?: Lifecycle };

function lifecycle(): Lifecycle {
  let current = holder[LIFECYCLE_KEY];
  if (current === undefined) {
    current = holder[LIFECYCLE_KEY] = { config: readTelemetryConfig(), options: {}, pipeline: undefined };
    applyConfig(current, current.config);
  }
  return current;
}

/** Makes `config` the live configuration. Builds (or adopts) a provider only when a scope is enabled. */
function applyConfig(current: Lifecycle, config: TelemetryConfig): void {
  const retired = current.pipeline;
  if (retired !== undefined) {
    retired.uninstallExitFlush?.();
    void bounded(() => retired.shutdown(), current.config.flushTimeoutMs, 'shutdown of the previous provider', false);
  }
  const enabled = config.application || config.backend;
  const provided = current.options.tracerProvider;
  const pipeline = !enabled
    ? undefined
    : provided !== undefined
      ? applicationPipeline(provided)
      : sdkPipeline(exporterConfig(config), current.options.spanProcessors);
  scheduleIdleOutputsHint(pipeline === undefined ? config : undefined, current.options);
  current.config = config;
  current.pipeline = pipeline;
  state.content = config.content;
  applyCapture(config, current.options.redact);
  conventions.latest = config.genAiLatestConventions;
  applyMetricsConfig(config, current.options);
  if (pipeline === undefined) {
    state.application.enabled = false;
    state.backend.enabled = false;
    releaseContextManager();
  } else {
    useProvider(pipeline.tracerProvider, config.application, config.backend);
  }
}

let pendingHint: string | undefined;
let hintScheduled = false;

/**
 * Shows {@link idleOutputsHint} once the current synchronous work is done, unless a scope was switched on
 * meanwhile: the environment is read at load, and an application commonly switches the scopes on in code right
 * after its imports (the import graph and the main module's body run before the next tick). The callback reads
 * only this module's own variables: it may run after a test environment has torn down the globals.
 */
function scheduleIdleOutputsHint(config: TelemetryConfig | undefined, options: TelemetryOptions): void {
  pendingHint = config === undefined ? undefined : idleOutputsHint(config, options);
  if (pendingHint === undefined || hintScheduled) return;
  hintScheduled = true;
  process.nextTick(() => {
    hintScheduled = false;
    const message = pendingHint;
    pendingHint = undefined;
    if (message !== undefined) warnOnce('config:outputs-without-scope', message);
  });
}

/**
 * The hint when an output is switched on but both scopes are off, so nothing reaches it. The OTLP endpoint only
 * counts when given in code: `OTEL_EXPORTER_OTLP_*` is shared with every OpenTelemetry SDK in the process, and an
 * application that exports its own spans with it has not forgotten anything of ours.
 */
function idleOutputsHint(config: TelemetryConfig, options: TelemetryOptions): string | undefined {
  if (config.application || config.backend) return undefined;
  const outputs: string[] = [];
  if (config.console) outputs.push(options.console === undefined ? `${ENV.console}=true` : 'the console option');
  if (options.otlpEndpoint) outputs.push('the otlpEndpoint option');
  if (outputs.length === 0) return undefined;
  return (
    `${outputs.join(' and ')} ${outputs.length === 1 ? 'is' : 'are'} set, but both trace scopes are off, so no span ` +
    `is produced. Turn one on: ${ENV.application}=true / ${ENV.backend}=true, or ` +
    `configureTelemetry({ application: true, backend: true }).`
  );
}

const OPTION_NAMES = new Set([...OVERRIDE_NAMES, 'tracerProvider', 'spanProcessors', 'redact', 'meterProvider']);

/** Throws on invalid provider/processor options; warns once about option names it does not know (typos). */
function checkLifecycleOptions(options: TelemetryOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new TypeError(
      `configureTelemetry takes an object of options; got ${options === null ? 'null' : typeof options}.`,
    );
  const { tracerProvider, spanProcessors, redact } = options;
  if (redact !== undefined && typeof redact !== 'function')
    throw new TypeError('configureTelemetry option "redact" must be a function (key, value) => value | undefined.');
  if (tracerProvider !== undefined && typeof (tracerProvider as { getTracer?: unknown })?.getTracer !== 'function')
    throw new TypeError('configureTelemetry option "tracerProvider" must be a TracerProvider (with getTracer()).');
  if (spanProcessors !== undefined) {
    if (!Array.isArray(spanProcessors))
      throw new TypeError('configureTelemetry option "spanProcessors" must be an array of SpanProcessors.');
    spanProcessors.forEach((processor, index) => {
      if (typeof (processor as { onEnd?: unknown } | null)?.onEnd !== 'function')
        throw new TypeError(
          `configureTelemetry option "spanProcessors[${index}]" must be a SpanProcessor (with onEnd()).`,
        );
    });
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name))
      warnOnce(
        `config:option:${name}`,
        `configureTelemetry option ${JSON.stringify(name.slice(0, 60))} is not known and is ignored (known: ${[...OPTION_NAMES].join(', ')}).`,
      );
  }
}

/** Message capture and redaction from the config and the `redact` option (content off turns capture off). */
function applyCapture(config: TelemetryConfig, redact: ContentRedactor | undefined): void {
  state.capture.messages = config.content && config.captureMessageContent;
  state.capture.maxCodePoints = config.contentMaxCodePoints;
  state.capture.redact = redact;
}

function useProvider(provider: TracerProvider, application: boolean, backend: boolean): void {
  if (application || backend) ensureContextManager();
  state.application.tracer = provider.getTracer(APPLICATION_TRACER_NAME, VERSION);
  state.backend.tracer = provider.getTracer(BACKEND_TRACER_NAME, VERSION);
  state.application.enabled = application;
  state.backend.enabled = backend;
}

/** Reads the environment at module load (once per process, shared by the CJS and ESM builds). */
export function initTelemetry(): void {
  lifecycle();
}

/**
 * Re-reads the environment and rebuilds the tracers and provider — the counterpart of the Python docs'
 * `importlib.reload(mellea.telemetry.tracing)` tip, for tests. The previous provider is shut down in the
 * background (its pending spans are flushed). Returns the new configuration.
 *
 * @example
 * process.env.MELLEA_TRACE_BACKEND = 'true';
 * reloadTelemetryConfig();
 * isBackendTracingEnabled(); // true
 */
export function reloadTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  resetWarnings();
  const current = lifecycle();
  applyConfig(current, readTelemetryConfig(env, current.options));
  return current.config;
}

/**
 * Sets options in code (they take precedence over the environment) and rebuilds the pipeline. Calling it again
 * replaces the previous options; `configureTelemetry({})` returns to the environment alone. An invalid option
 * throws a TypeError or RangeError naming it, and changes nothing.
 *
 * @example
 * configureTelemetry({ application: true, backend: true, console: true, serviceName: 'my-app' });
 * @example
 * // The application runs its own NodeSDK: send our spans through its provider, one pipeline for everything.
 * import { trace } from '@opentelemetry/api';
 * sdk.start();
 * configureTelemetry({ tracerProvider: trace.getTracerProvider(), application: true, backend: true });
 */
export function configureTelemetry(options: TelemetryOptions = {}): TelemetryConfig {
  checkLifecycleOptions(options);
  const current = lifecycle();
  const config = readTelemetryConfig(process.env, options); // throws before anything changes
  current.options = { ...options };
  applyConfig(current, config);
  return current.config;
}

/**
 * What happened to spans on the OTLP path of the provider this package built: exported, failed (collector
 * unreachable), dropped (queue full) and queued now. All zero without an OTLP endpoint or with an
 * application-provided provider.
 *
 * @example
 * const { failed, dropped } = getTelemetryExportStats();
 * if (failed + dropped > 0) logger.warn(`tracing lost ${failed + dropped} spans`);
 */
export function getTelemetryExportStats(): ExportStats {
  const current = lifecycle();
  const stats = current.pipeline === undefined ? current.finalStats : current.pipeline.stats;
  return stats === undefined ? { exported: 0, failed: 0, dropped: 0, queued: 0, inFlight: 0 } : { ...stats };
}

/**
 * The live configuration (frozen). Holds no secret: header values print as `[redacted]`, and `otlpEndpoint` is
 * shown without userinfo and query string.
 *
 * @example
 * const { otlpEndpoint, serviceName } = getTelemetryConfig();
 */
export function getTelemetryConfig(): TelemetryConfig {
  return lifecycle().config;
}

/** Whether application spans (`mellea.application`) are being produced. */
export function isApplicationTracingEnabled(): boolean {
  return state.application.enabled;
}

/** Whether backend spans (`mellea.backend`) are being produced. */
export function isBackendTracingEnabled(): boolean {
  return state.backend.enabled;
}

/** Whether the `response` attribute is recorded (MELLEA_TRACE_CONTENT, default true). */
export function isContentTracingEnabled(): boolean {
  return state.content;
}

/**
 * Whether prompts and responses are recorded as `gen_ai.input.messages` / `gen_ai.output.messages` on backend
 * spans: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (or the `captureMessageContent` option) on and
 * MELLEA_TRACE_CONTENT not off.
 *
 * @example
 * configureTelemetry({ backend: true, captureMessageContent: true });
 * isMessageCaptureEnabled(); // true (unless MELLEA_TRACE_CONTENT=false)
 */
export function isMessageCaptureEnabled(): boolean {
  return state.content && state.capture.messages;
}

/**
 * Routes both scopes to `tracerProvider` with the given switches, until the returned function restores the
 * previous routing. Used by the testing entry point; the SDK runtime built from the environment stays as is.
 */
export function overrideTracing(
  tracerProvider: TracerProvider,
  switches: { application: boolean; backend: boolean; content: boolean } & Partial<typeof state.capture>,
): () => void {
  lifecycle();
  const saved = {
    application: { ...state.application },
    backend: { ...state.backend },
    content: state.content,
  };
  const savedCapture = { ...state.capture };
  useProvider(tracerProvider, switches.application, switches.backend);
  state.content = switches.content;
  if (switches.messages !== undefined) state.capture.messages = switches.messages;
  if (switches.maxCodePoints !== undefined) state.capture.maxCodePoints = switches.maxCodePoints;
  if ('redact' in switches) state.capture.redact = switches.redact;
  return () => {
    Object.assign(state.application, saved.application);
    Object.assign(state.backend, saved.backend);
    state.content = saved.content;
    Object.assign(state.capture, savedCapture);
  };
}

/**
 * Exports every finished span that is still buffered. Never rejects; resolves after at most `timeoutMs`
 * (default `MELLEA_TRACE_FLUSH_TIMEOUT`, 5000 ms) even when the collector hangs.
 *
 * @example
 * // end of a serverless handler: the platform may freeze the process once it returns
 * await forceFlushTelemetry();
 */
export async function forceFlushTelemetry(timeoutMs?: number): Promise<void> {
  const current = lifecycle();
  const pipeline = current.pipeline;
  const metricsFlushed = flushMetrics(timeoutMs ?? current.config.flushTimeoutMs);
  if (pipeline !== undefined)
    await bounded(() => pipeline.forceFlush(), timeoutMs ?? current.config.flushTimeoutMs, 'flush', true);
  await metricsFlushed;
}

/**
 * Flushes and stops the exporters, and turns both scopes off. Never rejects; resolves after at most `timeoutMs`
 * (default `MELLEA_TRACE_FLUSH_TIMEOUT`, 5000 ms). An application-provided provider is flushed, not shut down.
 *
 * @example
 * process.on('SIGTERM', () => server.close(async () => {
 *   await shutdownTelemetry();
 *   process.exit(0);
 * }));
 */
export async function shutdownTelemetry(timeoutMs?: number): Promise<void> {
  const current = lifecycle();
  const pipeline = current.pipeline;
  // Streams nobody finished reading end now (marked abandoned), so the shutdown flush exports their spans.
  abandonOpenStreams();
  current.pipeline = undefined;
  state.application.enabled = false;
  state.backend.enabled = false;
  const metricsStopped = shutdownMetrics(timeoutMs ?? current.config.flushTimeoutMs);
  if (pipeline !== undefined) {
    current.finalStats = pipeline.stats;
    pipeline.uninstallExitFlush?.();
    await bounded(() => pipeline.shutdown(), timeoutMs ?? current.config.flushTimeoutMs, 'shutdown', true);
  }
  await metricsStopped;
}
