/**
 * Group "memory": retained heap over 1,000,000 traced calls (500,000 session-shaped `act` calls, each an
 * `aact` span with a `chat` child), read after a flush and a full GC every 100,000 calls.
 */
import { collectGarbage, runGroup } from '../lib/harness';
import { benchProvider, routeDecoratorsTo } from '../lib/tracing';
import { ACTION, decoratedBackend, decoratedSession, OPTIONS } from '../lib/variants';

const TRACED_CALLS = 1_000_000;
const SPANS_PER_ACT = 2;
const CHECKPOINT_CALLS = 100_000;
/** Warm-up before the first reading: V8 keeps compiling and sizing its caches for a while (see docs/performance.md). */
const WARMUP_ACTS = 100_000;

runGroup(async () => {
  const { provider, exporter } = benchProvider();
  routeDecoratorsTo(provider);
  const session = decoratedSession(decoratedBackend());
  const run = async (acts: number): Promise<void> => {
    for (let i = 0; i < acts; i++) await session.act(ACTION, OPTIONS);
  };
  const settledHeap = async (): Promise<number> => {
    await provider.forceFlush();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    return process.memoryUsage().heapUsed;
  };

  await run(WARMUP_ACTS);
  const heapByCalls: Record<string, number> = { 0: await settledHeap() };
  const exportedBefore = exporter.exported;
  const startedAt = process.hrtime.bigint();
  for (let calls = CHECKPOINT_CALLS; calls <= TRACED_CALLS; calls += CHECKPOINT_CALLS) {
    await run(CHECKPOINT_CALLS / SPANS_PER_ACT);
    heapByCalls[calls] = await settledHeap();
  }
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const start = heapByCalls[0]!;
  const half = heapByCalls[TRACED_CALLS / 2]!;
  const full = heapByCalls[TRACED_CALLS]!;
  return {
    group: 'memory',
    tracedCalls: TRACED_CALLS,
    warmupCalls: WARMUP_ACTS * SPANS_PER_ACT,
    heapBytes: { start, at500k: half, at1M: full },
    heapByCalls,
    retainedBytesPerCall: (full - start) / TRACED_CALLS,
    growthBytes500kTo1M: full - half,
    spansExported: exporter.exported - exportedBefore,
    seconds,
  };
});
