/**
 * The timing harness: rows measured in interleaved rounds inside one process, each row with its own compiled
 * timing loop (so V8's call-site feedback at `call()` sees only that row's function and can inline it, as it
 * would in user code), reported as median and min–max nanoseconds per call over the rounds.
 */

/** One measured line of the table. */
export interface Row {
  readonly id: string;
  readonly label: string;
  /** One call of the thing measured. Async rows return a promise, which the loop awaits. */
  readonly call: () => unknown;
  readonly async: boolean;
  /** Run (untimed) before each batch of this row, e.g. to route the decorators to another tracer provider. */
  readonly before?: () => void;
}

/** Nanoseconds per call: the median and spread over rounds, and every round (in round order, for pairing). */
export interface RowStats {
  readonly id: string;
  readonly label: string;
  readonly callsPerRound: number;
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly roundsNs: number[];
}

export interface RunOptions {
  rounds: number;
  warmupRounds: number;
  /** Each batch (one row, one round) is sized to take about this long. */
  batchMs: number;
  /**
   * A full collection after each round (default true), so no row inherits another's garbage. A group whose rows
   * differ in what they allocate per call may turn it off: after a forced full collection V8 shrinks the young
   * generation, and the next batches pay for growing it again in proportion to what they allocate, a cost of
   * the harness that a program running steadily never pays.
   */
  collectBetweenRounds?: boolean;
}

type TimingLoop = (
  call: () => unknown,
  n: number,
  clock: () => bigint,
  sink: { value: unknown },
) => number | Promise<number>;

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...source: string[]
) => TimingLoop;

/**
 * A fresh function per row, compiled from source: closures made from one function literal share their
 * feedback, which would make the `call()` site megamorphic and penalise whichever rows inline best. The row id
 * in a comment keeps V8's compilation cache from handing two rows the same function.
 */
function timingLoop(row: Row): TimingLoop {
  const tag = `// ${row.id.replace(/[^\w-]/g, '_')}`;
  if (row.async) {
    return new AsyncFunction(
      'call',
      'n',
      'clock',
      'sink',
      `${tag}\nconst start = clock();\nfor (let i = 0; i < n; i++) await call();\nreturn Number(clock() - start) / n;`,
    );
  }
  return new Function(
    'call',
    'n',
    'clock',
    'sink',
    `${tag}\nlet last;\nconst start = clock();\nfor (let i = 0; i < n; i++) last = call();\nconst ns = Number(clock() - start) / n;\nsink.value = last;\nreturn ns;`,
  ) as TimingLoop;
}

const clock = process.hrtime.bigint;
const sink = { value: undefined as unknown };

/** Measures `rows` in `options.rounds` interleaved rounds (the order rotates each round) after warm-up. */
export async function measureRows(rows: readonly Row[], options: RunOptions): Promise<RowStats[]> {
  const loops = rows.map(timingLoop);
  const sizes = rows.map(() => 1000);
  const batch = async (index: number, n: number): Promise<number> => {
    rows[index]!.before?.();
    return loops[index]!(rows[index]!.call, n, clock, sink);
  };
  // Warm-up, and size each row's batch from its warmed-up speed.
  for (let round = 0; round < options.warmupRounds; round++) {
    for (let index = 0; index < rows.length; index++) {
      const ns = await batch(index, sizes[index]!);
      sizes[index] = Math.max(1000, Math.min(5_000_000, Math.round((options.batchMs * 1e6) / Math.max(ns, 0.1))));
    }
  }
  const rounds: number[][] = rows.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let step = 0; step < rows.length; step++) {
      const index = (step + round) % rows.length;
      rounds[index]!.push(await batch(index, sizes[index]!));
    }
    if (options.collectBetweenRounds !== false) collectGarbage();
  }
  return rows.map((row, index) => {
    const values = rounds[index]!;
    return {
      id: row.id,
      label: row.label,
      callsPerRound: sizes[index]!,
      medianNs: median(values),
      minNs: Math.min(...values),
      maxNs: Math.max(...values),
      roundsNs: values,
    };
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median over rounds of `a / b`, pairing the rounds (both rows ran in the same round, moments apart). */
export function pairedRatio(a: RowStats, b: RowStats): number {
  return median(a.roundsNs.map((value, round) => value / b.roundsNs[round]!));
}

/** Median over rounds of `a - b` in nanoseconds, paired by round. */
export function pairedDelta(a: RowStats, b: RowStats): number {
  return median(a.roundsNs.map((value, round) => value - b.roundsNs[round]!));
}

/** A full collection (the groups run with --expose-gc). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  gc();
  gc();
}

/** What a group process reports to the runner. */
export interface GroupReport {
  readonly group: string;
  readonly rows?: RowStats[];
  readonly [key: string]: unknown;
}

/** Sends the report to the parent process (groups are forked with an IPC channel) and lets the process end. */
export function report(result: GroupReport): void {
  if (process.send === undefined) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  process.send(result, () => process.disconnect());
}

/** Runs a group's main function; a failure is reported, not swallowed. */
export function runGroup(main: () => Promise<GroupReport>): void {
  main().then(report, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
    report({ group: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
}
