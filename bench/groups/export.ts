/**
 * Group "export": the package's own OTLP pipeline (MELLEA_TRACE_BACKEND + OTEL_EXPORTER_OTLP_ENDPOINT, default
 * batch settings) sending to a real OTLP/gRPC receiver on loopback at 10,000 spans/s for 10 s. Delivered =
 * spans the receiver decoded; dropped = produced − delivered after a final flush.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import * as telemetry from '../../src/telemetry';
import { runGroup } from '../lib/harness';
import type { ReceiverMessage } from '../lib/otlp-receiver';
import { ACTION, CONTEXT, OPTIONS, decoratedBackend } from '../lib/variants';

const RATE_PER_SECOND = 10_000;
const DURATION_MS = 10_000;
const TICK_MS = 5;

runGroup(async () => {
  const warnings: string[] = [];
  const keep = (message: string): void => void warnings.push(message);
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

  const receiver = fork(join(__dirname, '..', 'lib', 'otlp-receiver.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { url } = await nextMessage(receiver, 'ready');
    telemetry.reloadTelemetryConfig({
      MELLEA_TRACE_BACKEND: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_SERVICE_NAME: 'mellea-bench',
    });
    const backend = decoratedBackend();

    const started = performance.now();
    const deliveredPerSecond: number[] = [];
    let nextSample = 1000;
    let produced = 0;
    for (let elapsed = 0; elapsed < DURATION_MS; elapsed = performance.now() - started) {
      const due = Math.min(Math.floor((elapsed * RATE_PER_SECOND) / 1000), (DURATION_MS * RATE_PER_SECOND) / 1000);
      while (produced < due) {
        await backend.chat(ACTION, CONTEXT, OPTIONS);
        produced++;
      }
      if (elapsed >= nextSample) {
        deliveredPerSecond.push((await count(receiver)).spans);
        nextSample += 1000;
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    const target = (DURATION_MS * RATE_PER_SECOND) / 1000;
    while (produced < target) {
      await backend.chat(ACTION, CONTEXT, OPTIONS);
      produced++;
    }
    const producedSeconds = (performance.now() - started) / 1000;
    const deliveredByEnd = (await count(receiver)).spans;

    await telemetry.forceFlushTelemetry(30_000);
    const final = await settledCount(receiver, produced);
    const drainedSeconds = (performance.now() - started) / 1000;
    const stats = (telemetry as { getTelemetryExportStats?: () => unknown }).getTelemetryExportStats?.();
    await telemetry.shutdownTelemetry(10_000);
    return {
      group: 'export',
      targetRatePerSecond: RATE_PER_SECOND,
      durationSeconds: DURATION_MS / 1000,
      produced,
      producedPerSecond: produced / producedSeconds,
      delivered: final.spans,
      dropped: produced - final.spans,
      exportRequests: final.requests,
      deliveredByEndOfRun: deliveredByEnd,
      deliveredPerSecondDuringRun: deliveredByEnd / producedSeconds,
      deliveredCumulativeEachSecond: deliveredPerSecond,
      drainedAfterSeconds: drainedSeconds,
      packageExportStats: stats,
      warnings,
    };
  } finally {
    receiver.send('close');
  }
});

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

function count(receiver: ChildProcess): Promise<Extract<ReceiverMessage, { type: 'count' }>> {
  const reply = nextMessage(receiver, 'count');
  receiver.send('count');
  return reply;
}

/** Polls until the receiver has every span or its count stops moving for a second (at most 15 s). */
async function settledCount(receiver: ChildProcess, expected: number): Promise<Extract<ReceiverMessage, { type: 'count' }>> {
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
