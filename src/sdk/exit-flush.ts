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
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Installs the exit hooks; returns the function that removes them. */
export function installExitFlush(target: ExitFlushTarget): () => void {
  // No process events (a Worker, even with `nodejs_compat`): nothing exits there, so there is nothing to hook.
  if (typeof globalThis.process?.on !== 'function') return () => {};
  let flushedAt = -1;
  let exiting = false;

  const onBeforeExit = (): void => {
    // Runs again after our own flush empties the loop: only flush when new spans arrived since last time.
    const admitted = target.admittedSpans();
    if (!target.hasPendingSpans() || admitted === flushedAt) return;
    flushedAt = admitted;
    void target.flush(false);
  };

  const reraise = (signal: NodeJS.Signals): void => {
    uninstall();
    process.kill(process.pid, signal);
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal while flushing means "stop now".
    if (exiting) {
      reraise(signal);
      return;
    }
    // Another listener (the application's) decides what the signal does; we only flush meanwhile.
    if (process.listenerCount(signal) > 1) {
      void target.flush(false);
      return;
    }
    exiting = true;
    void target.flush(true).then(() => reraise(signal));
  };

  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);

  function uninstall(): void {
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  }
  return uninstall;
}
