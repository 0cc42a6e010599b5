/**
 * Groups "export" and "export-plain": 10,000 spans/s for 10 s from decorated calls to a real OTLP/gRPC receiver
 * on loopback, with default batch settings — through the package's own pipeline (MELLEA_TRACE_BACKEND +
 * OTEL_EXPORTER_OTLP_ENDPOINT), or, for comparison and in a fresh process, through a plain SDK pipeline
 * (BasicTracerProvider + BatchSpanProcessor + OTLPTraceExporter) fed by the same calls. Delivered = spans the
 * receiver decoded; dropped = produced − delivered after a final flush.
 *
 * Group "export-saturated" (`saturated` on the command line): the drop path. Both pipelines export to an endpoint
 * that accepts connections and never answers, so their queues stay full; the rows time one span started and ended
 * through each — the package's bounded processor (which counts the drop) against the SDK's BatchSpanProcessor.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as telemetry from '../../src/lifecycle';
import { state } from '../../src/state';
import { type GroupReport, measureRows, runGroup } from '../lib/harness';
import type { ReceiverMessage } from '../lib/otlp-receiver';
import { routeDecoratorsTo } from '../lib/tracing';
import { ACTION, CONTEXT, decoratedBackend, OPTIONS } from '../lib/variants';

const RATE_PER_SECOND = 10_000;
const DURATION_MS = 10_000;
const TICK_MS = 5;

type Count = Extract<ReceiverMessage, { type: 'count' }>;

/** `plain` on the command line: the plain SDK pipeline instead of the package's (each runs in its own process). */
const PLAIN = process.argv.includes('plain');
const SATURATED = process.argv.includes('saturated');

runGroup(async () => {
  if (SATURATED) return saturated();
  const warnings: string[] = [];
  const keep = (message: string): void => void warnings.push(message);
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

  const receiver = fork(join(__dirname, '..', 'lib', 'otlp-receiver.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { url } = await nextMessage(receiver, 'ready');
    let result: Awaited<ReturnType<typeof sustain>>;
    if (PLAIN) {
      const provider = new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
      });
      routeDecoratorsTo(provider);
      result = await sustain(
        receiver,
        () => provider.forceFlush(),
        () => droppedReportedBySdk(warnings),
      );
      await provider.shutdown();
    } else {
      telemetry.reloadTelemetryConfig({
        MELLEA_TRACE_BACKEND: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_SERVICE_NAME: 'mellea-bench',
      });
      result = await sustain(
        receiver,
        () => telemetry.forceFlushTelemetry(30_000),
        () => telemetry.getTelemetryExportStats().dropped,
      );
      await telemetry.shutdownTelemetry(10_000);
    }
    return {
      group: PLAIN ? 'export-plain' : 'export',
      pipeline: PLAIN
        ? 'plain SDK: BatchSpanProcessor + OTLPTraceExporter (gRPC)'
        : 'mellea-telemetry from the environment',
      targetRatePerSecond: RATE_PER_SECOND,
      durationSeconds: DURATION_MS / 1000,
      ...result,
      warnings,
    };
  } finally {
    receiver.send('close');
  }
});

/** Runs the 10 s load through whatever the decorators are routed to; `dropped()` reads the pipeline's own count. */
async function sustain(receiver: ChildProcess, flush: () => Promise<void>, dropped: () => number) {
  const backend = decoratedBackend();
  const before = await count(receiver);
  const started = performance.now();
  const perSecond: { delivered: number; droppedByPipeline: number }[] = [];
  let nextSample = 1000;
  let produced = 0;
  const target = (DURATION_MS * RATE_PER_SECOND) / 1000;
  for (let elapsed = 0; produced < target; elapsed = performance.now() - started) {
    const due = Math.min(Math.floor((elapsed * RATE_PER_SECOND) / 1000), target);
    while (produced < due) {
      await backend.chat(ACTION, CONTEXT, OPTIONS);
      produced++;
    }
    if (elapsed >= nextSample) {
      perSecond.push({ delivered: (await count(receiver)).spans - before.spans, droppedByPipeline: dropped() });
      nextSample += 1000;
    }
    if (produced < target) await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const producedSeconds = (performance.now() - started) / 1000;
  const deliveredByEnd = (await count(receiver)).spans - before.spans;
  await flush();
  const final = await settledCount(receiver, before.spans + produced);
  const delivered = final.spans - before.spans;
  return {
    produced,
    producedPerSecond: produced / producedSeconds,
    delivered,
    dropped: produced - delivered,
    droppedByPipeline: dropped(),
    exportRequests: final.requests - before.requests,
    deliveredByEndOfRun: deliveredByEnd,
    deliveredPerSecondDuringRun: deliveredByEnd / producedSeconds,
    cumulativeEachSecond: perSecond,
    settledAfterSeconds: (performance.now() - started) / 1000,
  };
}

/** The SDK's BatchSpanProcessor reports drops only as `diag.warn('Dropped N spans …')`. */
function droppedReportedBySdk(warnings: readonly string[]): number {
  let total = 0;
  for (const warning of warnings) total += Number(/^Dropped (\d+) spans/.exec(warning)?.[1] ?? 0);
  return total;
}

function nextMessage<T extends ReceiverMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ReceiverMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ReceiverMessage): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<ReceiverMessage, { type: T }>);
    };
    const onExit = (code: number | null): void => reject(new Error(`the OTLP receiver exited (code ${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function count(receiver: ChildProcess): Promise<Count> {
  const reply = nextMessage(receiver, 'count');
  receiver.send('count');
  return reply;
}

/** Polls until the receiver has `expected` spans or its count stops moving for a second (at most 15 s). */
async function settledCount(receiver: ChildProcess, expected: number): Promise<Count> {
  let last = await count(receiver);
  let unchangedSince = performance.now();
  const deadline = performance.now() + 15_000;
  while (last.spans < expected && performance.now() < deadline && performance.now() - unchangedSince < 1000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await count(receiver);
    if (now.spans !== last.spans) unchangedSince = performance.now();
    last = now;
  }
  return last;
}

/** Both pipelines behind a hung endpoint, queues full: the cost of one span that is dropped. */
async function saturated(): Promise<GroupReport> {
  const sockets = new Set<Socket>();
  const hung = createServer((socket) => void sockets.add(socket.on('error', () => undefined)));
  hung.listen(0, '127.0.0.1');
  await once(hung, 'listening');
  const url = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;
  const hour = 3_600_000;
  const plain = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url, timeoutMillis: hour }), { exportTimeoutMillis: hour }),
    ],
  });
  telemetry.reloadTelemetryConfig({
    MELLEA_TRACE_BACKEND: 'true',
    MELLEA_TRACE_FLUSH_ON_EXIT: 'false',
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_TIMEOUT: String(hour),
    OTEL_BSP_EXPORT_TIMEOUT: String(hour),
    OTEL_SERVICE_NAME: 'mellea-bench',
  });
  const ours = state.backend.tracer;
  const theirs = plain.getTracer('bench');
  // Fill both queues (2048) behind the first, hung export.
  for (let i = 0; i < 5000; i++) {
    ours.startSpan('chat').end();
    theirs.startSpan('chat').end();
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rows = await measureRows(
    [
      {
        id: 'saturated.plain',
        label: 'span dropped: plain BatchSpanProcessor, queue full',
        async: false,
        call: () => theirs.startSpan('chat').end(),
      },
      {
        id: 'saturated.package',
        label: 'span dropped: package pipeline, queue full',
        async: false,
        call: () => ours.startSpan('chat').end(),
      },
    ],
    { rounds: 31, warmupRounds: 3, batchMs: 10 },
  );
  const stats = telemetry.getTelemetryExportStats();
  for (const socket of sockets) socket.destroy();
  hung.close();
  return { group: 'export-saturated', rows, droppedByPackage: stats.dropped, queuedByPackage: stats.queued };
}
