/**
 * Flush on exit: a short script that never calls `shutdownTelemetry()` still delivers its spans and metrics.
 * Pending data is flushed on `beforeExit` (the program's own work is done) and on SIGINT/SIGTERM; after the flush
 * the signal keeps its normal effect (when no other listener handles it, it is raised again with the default
 * action, so the exit code is the usual one). Opt out with `MELLEA_TRACE_FLUSH_ON_EXIT=false` or
 * `configureTelemetry({ flushOnExit: false })`.
 *
 * The exit deadline: the exporters hold no ref'd handle (otlp-transport.ts), so `beforeExit` fires as soon as the
 * program is done, even with an export in flight. The flush then holds the process open with ONE ref'd timer of
 * `MELLEA_TRACE_FLUSH_TIMEOUT`; at that deadline the export in flight is cancelled, no further batch starts, and
 * what was not delivered is reported in one line — whatever the batch size, queue size, export timeout or collector.
 *
 * Every installed target (spans, metrics) shares ONE set of process listeners: a signal is re-raised only when no
 * other listener — counting ours once — handles it, and every target is flushed, under one deadline, before that.
 */

/** What the exit hooks need from a running pipeline (spans or metrics). */
export interface ExitFlushTarget {
  /** Data waiting to be exported. */
  hasPendingSpans(): boolean;
  /** How much was ever queued: a `beforeExit` flush runs again only after new data arrived. */
  admittedSpans(): number;
  /** The bound of one exit flush, in ms (`MELLEA_TRACE_FLUSH_TIMEOUT`). */
  readonly timeoutMs: number;
  /** The exit flush starts: no export may outlive `deadline` (epoch ms). */
  begin?(deadline: number): void;
  /** Exports everything pending; never rejects. */
  flush(): Promise<void>;
  /** The deadline passed: cancel the export in flight, start no other. */
  abandon?(): void;
  /** The exit flush is over: the line reporting what was not delivered, if anything (printed by `report`). */
  end?(timedOut: boolean): string | undefined;
  /** Prints the report line. */
  report?(line: string): void;
  /** Ends the spans of streams nobody finished reading (marked abandoned), so the flush exports them. */
  endOpenStreams?(): void;
}

interface Installed {
  readonly target: ExitFlushTarget;
  flushedAt: number;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

const installed = new Set<Installed>();
let exiting = false;
let running: Promise<void> | undefined;

/** One bounded exit flush at a time, over `entries`; resolves once the reports (if any) have been emitted. */
function exitFlush(entries: readonly Installed[]): Promise<void> {
  running ??= new Promise<void>((resolve) => {
    const timeoutMs = Math.max(...entries.map((entry) => entry.target.timeoutMs));
    for (const { target } of entries) target.begin?.(Date.now() + target.timeoutMs);
    let finished = false;
    let timedOut = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      running = undefined;
      for (const { target } of entries) {
        const line = target.end?.(timedOut);
        if (line !== undefined) target.report?.(line);
      }
      resolve();
    };
    // Ref'd on purpose: it is what keeps a finished program alive for its data, and never past the bound.
    const deadline = setTimeout(() => {
      timedOut = true;
      for (const { target } of entries) target.abandon?.();
      // The cancelled exports report back within a few microtasks; count them before reporting.
      setImmediate(finish);
    }, timeoutMs);
    Promise.all(entries.map(({ target }) => target.flush().catch(() => undefined))).then(() => timedOut || finish());
  });
  return running;
}

const endOpenStreams = (): void => {
  for (const { target } of installed) target.endOpenStreams?.();
};

const onBeforeExit = (): void => {
  // The loop is empty: a stream still open will not be read any more.
  endOpenStreams();
  // Runs again after our own flush empties the loop: only flush what received new data since last time.
  const due: Installed[] = [];
  for (const entry of installed) {
    const admitted = entry.target.admittedSpans();
    if (!entry.target.hasPendingSpans() || admitted === entry.flushedAt) continue;
    entry.flushedAt = admitted;
    due.push(entry);
  }
  if (due.length > 0) void exitFlush(due);
};

const reraise = (signal: NodeJS.Signals): void => {
  installed.clear();
  removeListeners();
  process.kill(process.pid, signal);
};

const onSignal = (signal: NodeJS.Signals): void => {
  endOpenStreams();
  // A second signal while flushing means "stop now".
  if (exiting) {
    reraise(signal);
    return;
  }
  const all = [...installed];
  // Another listener (the application's) decides what the signal does; we only flush meanwhile.
  if (process.listenerCount(signal) > 1) {
    void exitFlush(all);
    return;
  }
  exiting = true;
  // setImmediate: the report is a process warning, printed on the next tick — before the signal kills us.
  void exitFlush(all).then(() => setImmediate(() => reraise(signal)));
};

function removeListeners(): void {
  process.removeListener('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/** Installs the exit hooks for `target`; returns the function that removes them. */
export function installExitFlush(target: ExitFlushTarget): () => void {
  // No process events (a Worker, even with `nodejs_compat`): nothing exits there, so there is nothing to hook.
  if (typeof globalThis.process?.on !== 'function') return () => {};
  const entry: Installed = { target, flushedAt: -1 };
  if (installed.size === 0) {
    exiting = false;
    process.on('beforeExit', onBeforeExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  installed.add(entry);
  return () => {
    if (!installed.delete(entry)) return;
    if (installed.size === 0) removeListeners();
  };
}
