/**
 * Flush on exit: a short script that never calls `shutdownTelemetry()` still delivers its spans. Pending spans
 * are flushed on `beforeExit` and on SIGINT/SIGTERM; after the flush the signal keeps its normal effect (when no
 * other listener handles it, it is raised again with the default action, so the exit code is the usual one).
 * Opt out with `MELLEA_TRACE_FLUSH_ON_EXIT=false` or `configureTelemetry({ flushOnExit: false })`.
 */

/** What the exit hooks need from the running pipeline. */
export interface ExitFlushTarget {
  /** Spans waiting to be exported. */
  hasPendingSpans(): boolean;
  /** How many spans were ever queued: a `beforeExit` flush runs again only after new spans arrived. */
  admittedSpans(): number;
  /** Flushes within the configured bound; never rejects. `keepAlive` holds the event loop open meanwhile. */
  flush(keepAlive: boolean): Promise<void>;
  /** Ends the spans of streams nobody finished reading (marked abandoned), so the flush exports them. */
  endOpenStreams?(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

// Every installed target (spans, metrics) shares ONE set of process listeners: a signal is re-raised only when
// no other listener — counting ours once — handles it, and every target is flushed before that.
const targets = new Set<ExitFlushTarget & { flushedAt: number }>();
let exiting = false;

const flushAll = (keepAlive: boolean): Promise<void> =>
  Promise.all([...targets].map((target) => target.flush(keepAlive))).then(() => undefined);

const endOpenStreams = (): void => {
  for (const target of targets) target.endOpenStreams?.();
};

const onBeforeExit = (): void => {
  // The loop is empty: a stream still open will not be read any more.
  endOpenStreams();
  for (const target of targets) {
    // Runs again after our own flush empties the loop: only flush when new data arrived since last time.
    const admitted = target.admittedSpans();
    if (!target.hasPendingSpans() || admitted === target.flushedAt) continue;
    target.flushedAt = admitted;
    void target.flush(false);
  }
};

const reraise = (signal: NodeJS.Signals): void => {
  targets.clear();
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
  // Another listener (the application's) decides what the signal does; we only flush meanwhile.
  if (process.listenerCount(signal) > 1) {
    void flushAll(false);
    return;
  }
  exiting = true;
  void flushAll(true).then(() => reraise(signal));
};

function removeListeners(): void {
  process.removeListener('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/** Installs the exit hooks for `target`; returns the function that removes them. */
export function installExitFlush(target: ExitFlushTarget): () => void {
  const entry = { ...target, flushedAt: -1 };
  if (targets.size === 0) {
    exiting = false;
    process.on('beforeExit', onBeforeExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  targets.add(entry);
  return () => {
    if (!targets.delete(entry)) return;
    if (targets.size === 0) removeListeners();
  };
}
