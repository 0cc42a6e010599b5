/**
 * Group "metrics": what metrics cost a traced backend call. Tracing is on (sampled in, batch processor, discarding
 * exporter) in every row. `metrics.off` is the shipped tracing-only call; `metrics.on` records the GenAI metrics
 * the way a provider this package builds does (its own aggregation, read by an SDK reader that is not collected
 * during the run — the per-call cost is the aggregation); `metrics.on.app-provider` records through the API
 * instruments of an application's SDK MeterProvider instead. The metrics-off hooks are also timed on their own:
 * the flag checks and optional calls a traced call makes when no observer exists, against an empty call.
 */
import type { Span } from '@opentelemetry/api';
import * as sdkMetrics from '@opentelemetry/sdk-metrics';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { observeCall } from '../../src/call-observer';
import { AggregatingSink } from '../../src/metrics/aggregation';
import { InstrumentSink, type MetricsSink } from '../../src/metrics/instruments';
import { overrideMetrics } from '../../src/metrics/metrics-lifecycle';
import type { SpanRecipe } from '../../src/traced-call';
import { measureRows, type Row, runGroup } from '../lib/harness';
import { benchProvider, routeDecoratorsTo } from '../lib/tracing';
import { ACTION, CONTEXT, decoratedBackend, OPTIONS } from '../lib/variants';

class UncollectedReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

runGroup(async () => {
  const traced = benchProvider();
  routeDecoratorsTo(traced.provider);
  const sink = new AggregatingSink(sdkMetrics);
  const reader = new UncollectedReader({ metricProducers: [sink] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const appReader = new UncollectedReader();
  const appProvider = new MeterProvider({ readers: [appReader] });
  const appSink = new InstrumentSink(appProvider);
  let restoreMetrics: (() => void) | undefined;
  const route = (target: MetricsSink | undefined) => (): void => {
    restoreMetrics?.();
    restoreMetrics = target === undefined ? undefined : overrideMetrics(target);
  };
  const metricsOff = route(undefined);
  const metricsOn = route(sink);
  const metricsOnAppProvider = route(appSink);

  const backend = decoratedBackend();
  // What a traced call does for metrics when they are off, with stand-ins of the same shapes.
  const recipe = { scope: { name: 'mellea.backend' } } as unknown as SpanRecipe;
  const span = {} as Span;
  const self = {};
  type Hooks = {
    attributes(a: object): void;
    chunk(): void;
    failing(e: unknown): void;
    ending(s: Span): void;
    ended(s: Span): void;
  };
  const hooks = (): unknown => {
    const observer = observeCall(recipe, self, span) as Hooks | undefined;
    observer?.attributes(self);
    observer?.attributes(self);
    observer?.attributes(self);
    observer?.ending(span);
    observer?.ended(span);
    return observer;
  };
  const noHooks = (): unknown => undefined;

  const rows: Row[] = [
    {
      id: 'metrics-off.no-hooks',
      label: 'empty call (baseline of the hooks)',
      async: false,
      before: metricsOff,
      call: noHooks,
    },
    {
      id: 'metrics-off.hooks',
      label: 'metrics-off hooks of one traced call (2 flag checks, 5 optional calls)',
      async: false,
      before: metricsOff,
      call: hooks,
    },
    {
      id: 'metrics.off',
      label: '@traceBackend, tracing on, metrics off (tracing only)',
      async: true,
      before: metricsOff,
      call: () => backend.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'metrics.on',
      label: '@traceBackend, tracing on, metrics on (provider built by this package)',
      async: true,
      before: metricsOn,
      call: () => backend.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'metrics.on.app-provider',
      label: '@traceBackend, tracing on, metrics on (an application SDK MeterProvider)',
      async: true,
      before: metricsOnAppProvider,
      call: () => backend.chat(ACTION, CONTEXT, OPTIONS),
    },
  ];
  // Short batches in many rounds pair each metrics-on batch with a tracing-only one moments apart; no forced
  // collection between rounds (see RunOptions.collectBetweenRounds): with one, both rows ran 2-3x slower and the
  // metrics row, which allocates one observer more per call, paid most of the regrowth.
  const stats = await measureRows(rows, { rounds: 121, warmupRounds: 5, batchMs: 10, collectBetweenRounds: false });
  metricsOff();
  const collected = await reader.collect();
  await traced.provider.forceFlush();
  await meterProvider.shutdown();
  await appProvider.shutdown();
  const durations = collected.resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === 'gen_ai.client.operation.duration');
  return {
    group: 'metrics',
    rows: stats,
    // Proof that the metrics-on row really recorded: one duration point per measured call.
    durationPointsRecorded: (durations?.dataPoints[0]?.value as { count?: number } | undefined)?.count ?? 0,
    spansExported: traced.exporter.exported,
  };
});
