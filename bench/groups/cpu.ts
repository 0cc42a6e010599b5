/**
 * Group "cpu": tracing on. The hand-written raw-API wrappers (the baseline) against the decorators with the
 * same attributes, sampled in and sampled out (AlwaysOffSampler), alone and nested the way a session runs.
 * Spans go to a default BatchSpanProcessor with a discarding exporter.
 */
import { type Attributes, DiagLogLevel, diag } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { measureRows, type Row, runGroup } from '../lib/harness';
import { rawScope } from '../lib/raw-wrappers';
import { benchProvider, routeDecoratorsTo } from '../lib/tracing';
import {
  ACTION,
  bareBackend,
  CONTEXT,
  decoratedBackend,
  decoratedSession,
  OPTIONS,
  rawBackend,
  rawSession,
  rawSpanOnlyBackend,
} from '../lib/variants';

const RAW_TRACER = 'bench.raw';

runGroup(async () => {
  const droppedWarnings = captureDropWarnings();
  const parity = await attributeParity();

  const sampled = benchProvider();
  const sampledOut = benchProvider(true);
  const on = (): void => {
    rawScope.tracer = sampled.provider.getTracer(RAW_TRACER);
    routeDecoratorsTo(sampled.provider);
  };
  const off = (): void => {
    rawScope.tracer = sampledOut.provider.getTracer(RAW_TRACER);
    routeDecoratorsTo(sampledOut.provider);
  };
  on();

  const bare = bareBackend();
  const spanOnly = rawSpanOnlyBackend();
  const raw = rawBackend();
  const decorated = decoratedBackend();
  const rawApp = rawSession(bare);
  const decoratedApp = decoratedSession(bare);
  const rawNested = rawSession(raw);
  const decoratedNested = decoratedSession(decorated);

  const rows: Row[] = [
    {
      id: 'bare.async',
      label: 'bare method, async',
      async: true,
      before: on,
      call: () => bare.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'raw.span-only',
      label: 'raw API startActiveSpan + end, no attributes',
      async: true,
      before: on,
      call: () => spanOnly.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'raw.backend',
      label: 'raw API wrapper, backend attributes (baseline)',
      async: true,
      before: on,
      call: () => raw.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'enabled.backend',
      label: '@traceBackend, full attributes, 2,000-char response',
      async: true,
      before: on,
      call: () => decorated.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'raw.backend.sync',
      label: 'raw API wrapper, backend attributes, sync method (baseline)',
      async: false,
      before: on,
      call: () => raw.chatSync(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'enabled.backend.sync',
      label: '@traceBackend, full attributes, sync method',
      async: false,
      before: on,
      call: () => decorated.chatSync(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'raw.application',
      label: 'raw API wrapper, application attributes + 500-char response',
      async: true,
      before: on,
      call: () => rawApp.act(ACTION, OPTIONS),
    },
    {
      id: 'enabled.application',
      label: '@traceApplication, full attributes, 2,000-char response',
      async: true,
      before: on,
      call: () => decoratedApp.act(ACTION, OPTIONS),
    },
    {
      id: 'raw.backend.sampled-out',
      label: 'raw API wrapper (backend), AlwaysOffSampler',
      async: true,
      before: off,
      call: () => raw.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'sampled-out.backend',
      label: '@traceBackend, AlwaysOffSampler',
      async: true,
      before: off,
      call: () => decorated.chat(ACTION, CONTEXT, OPTIONS),
    },
    {
      id: 'raw.application.sampled-out',
      label: 'raw API wrapper (application), AlwaysOffSampler',
      async: true,
      before: off,
      call: () => rawApp.act(ACTION, OPTIONS),
    },
    {
      id: 'sampled-out.application',
      label: '@traceApplication, AlwaysOffSampler',
      async: true,
      before: off,
      call: () => decoratedApp.act(ACTION, OPTIONS),
    },
    {
      id: 'raw.nested',
      label: 'raw API: aact with a chat child',
      async: true,
      before: on,
      call: () => rawNested.act(ACTION, OPTIONS),
    },
    {
      id: 'enabled.nested',
      label: 'decorators: aact (@traceApplication) with a chat child (@traceBackend)',
      async: true,
      before: on,
      call: () => decoratedNested.act(ACTION, OPTIONS),
    },
  ];
  // As in the metrics group: short batches, many rounds, no forced full collection between rounds (with one,
  // consecutive runs of this group put enabled.backend anywhere from 1.00x to 1.39x; without, 1.14-1.18x).
  const stats = await measureRows(rows, { rounds: 61, warmupRounds: 3, batchMs: 10, collectBetweenRounds: false });
  await sampled.provider.forceFlush();
  await sampledOut.provider.forceFlush();
  return {
    group: 'cpu',
    rows: stats,
    attributeParity: parity,
    spansExported: sampled.exporter.exported,
    sampledOutSpansExported: sampledOut.exporter.exported,
    batchProcessorDropWarnings: droppedWarnings,
  };
});

/** The BatchSpanProcessor reports dropped spans only through `diag.warn`. */
function captureDropWarnings(): string[] {
  const seen: string[] = [];
  const keep = (message: string): void => {
    if (/dropp/i.test(message)) seen.push(message);
  };
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  return seen;
}

/**
 * A check that the comparison is fair: one call of each pair through an in-memory exporter (not used for
 * timing), comparing the attribute names each sets.
 */
async function attributeParity(): Promise<
  Record<string, { onlyRaw: string[]; onlyDecorated: string[]; count: number }>
> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  rawScope.tracer = provider.getTracer(RAW_TRACER);
  const restore = routeDecoratorsTo(provider);
  const attributesOf = async (run: () => Promise<unknown>): Promise<Record<string, Attributes>> => {
    exporter.reset();
    await run();
    return Object.fromEntries(exporter.getFinishedSpans().map((span) => [span.name, span.attributes]));
  };
  const raw = await attributesOf(() => rawSession(rawBackend()).act(ACTION, OPTIONS));
  const decorated = await attributesOf(() => decoratedSession(decoratedBackend()).act(ACTION, OPTIONS));
  const rawSync = await attributesOf(async () => rawBackend().chatSync(ACTION, CONTEXT, OPTIONS));
  const decoratedSync = await attributesOf(async () => decoratedBackend().chatSync(ACTION, CONTEXT, OPTIONS));
  restore();
  await provider.shutdown();
  const compare = (name: string, rawSpans = raw, decoratedSpans = decorated) => {
    const rawKeys = Object.keys(rawSpans[name] ?? {});
    const decoratedKeys = Object.keys(decoratedSpans[name] ?? {});
    return {
      count: decoratedKeys.length,
      onlyRaw: rawKeys.filter((key) => !decoratedKeys.includes(key)),
      onlyDecorated: decoratedKeys.filter((key) => !rawKeys.includes(key)),
    };
  };
  return { chat: compare('chat'), aact: compare('aact'), 'chat (sync)': compare('chat', rawSync, decoratedSync) };
}
