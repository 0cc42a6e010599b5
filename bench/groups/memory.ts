/**
 * Group "memory": retained heap after 1,000,000 traced calls (500,000 session-shaped `act` calls, each an
 * `aact` span with a `chat` child), measured after a flush and a full GC at 0, 500k and 1M calls.
 */
import { collectGarbage, runGroup } from '../lib/harness';
import { benchProvider, routeDecoratorsTo } from '../lib/tracing';
import { ACTION, OPTIONS, decoratedBackend, decoratedSession } from '../lib/variants';

const TRACED_CALLS = 1_000_000;
const SPANS_PER_ACT = 2;

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

  await run(20_000); // warm-up: JIT, lazily created SDK and API objects
  const start = await settledHeap();
  const startedAt = process.hrtime.bigint();
  await run(TRACED_CALLS / SPANS_PER_ACT / 2);
  const half = await settledHeap();
  await run(TRACED_CALLS / SPANS_PER_ACT / 2);
  const full = await settledHeap();
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const warmupSpans = 20_000 * SPANS_PER_ACT;
  return {
    group: 'memory',
    tracedCalls: TRACED_CALLS,
    heapBytes: { start, at500k: half, at1M: full },
    retainedBytesPerCall: (full - start) / TRACED_CALLS,
    growthBytes500kTo1M: full - half,
    spansExported: exporter.exported - warmupSpans,
    seconds,
  };
});
