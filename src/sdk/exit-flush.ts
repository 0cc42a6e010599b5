/**
 * Flush on exit: a short script that never calls `shutdownTelemetry()` still delivers its spans. Pending spans
 * are flushed on `beforeExit` (the program's own work is done) and on SIGINT/SIGTERM; after the flush the signal
 * keeps its normal effect (when no other listener handles it, it is raised again with the default action, so the
 * exit code is the usual one). Opt out with `MELLEA_TRACE_FLUSH_ON_EXIT=false` or `configureTelemetry({ flushOnExit: false })`.
 *
 * The exit deadline: the exporters hold no ref'd handle (otlp-transport.ts), so `beforeExit` fires as soon as the
 * program is done, even with an export in flight. The flush then holds the process open with ONE ref'd timer of
 * `MELLEA_TRACE_FLUSH_TIMEOUT`; at that deadline the export in flight is cancelled, no further batch starts, and
 * what was not delivered is reported in one line — whatever the batch size, queue size, export timeout or collector.
 */

/** What the exit hooks need from the running pipeline. */
export interface ExitFlushTarget {
  /** Spans waiting to be exported. */
  hasPendingSpans(): boolean;
  /** How many spans were ever queued: a `beforeExit` flush runs again only after new spans arrived. */
  admittedSpans(): number;
  /** The bound of one exit flush, in ms (`MELLEA_TRACE_FLUSH_TIMEOUT`). */
  readonly timeoutMs: number;
  /** The exit flush starts: no export may outlive `deadline` (epoch ms). */
  begin(deadline: number): void;
  /** Exports everything pending; never rejects. */
  flush(): Promise<void>;
  /** The deadline passed: cancel the export in flight, start no other. */
  abandon(): void;
  /** The exit flush is over: the line reporting undelivered spans, if any (printed as one warning). */
  end(timedOut: boolean): string | undefined;
  /** Prints the report line. */
  report(line: string): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Installs the exit hooks; returns the function that removes them. */
export function installExitFlush(target: ExitFlushTarget): () => void {
  let flushedAt = -1;
  let exiting = false;
  let running: Promise<void> | undefined;

  /** One bounded exit flush at a time; resolves once its report (if any) has been emitted. */
  const exitFlush = (): Promise<void> => {
    running ??= new Promise<void>((resolve) => {
      target.begin(Date.now() + target.timeoutMs);
      let finished = false;
      let timedOut = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        running = undefined;
        const line = target.end(timedOut);
        if (line !== undefined) target.report(line);
        resolve();
      };
      // Ref'd on purpose: it is what keeps a finished program alive for its spans, and never past the bound.
      const deadline = setTimeout(() => {
        timedOut = true;
        target.abandon();
        // The cancelled exports report back within a few microtasks; count them before reporting.
        setImmediate(finish);
      }, target.timeoutMs);
      target.flush().then(
        () => timedOut || finish(),
        () => timedOut || finish(),
      );
    });
    return running;
  };

  const onBeforeExit = (): void => {
    // Runs again after our own flush empties the loop: only flush when new spans arrived since last time.
    const admitted = target.admittedSpans();
    if (!target.hasPendingSpans() || admitted === flushedAt) return;
    flushedAt = admitted;
    void exitFlush();
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
      void exitFlush();
      return;
    }
    exiting = true;
    // setImmediate: the report is a process warning, printed on the next tick — before the signal kills us.
    void exitFlush().then(() => setImmediate(() => reraise(signal)));
  };

  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);

  function uninstall(): void {
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  }
  return uninstall;
}
