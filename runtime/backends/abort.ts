/** Linking AbortSignals: the caller's signal to a request's, and one failure to its sibling requests. */

/** Aborts `target` when `source` aborts (now or later); returns the function that removes the link. */
export function linkAbort(source: AbortSignal | undefined, target: AbortController): () => void {
  if (source === undefined) return () => undefined;
  if (source.aborted) {
    target.abort(source.reason);
    return () => undefined;
  }
  const forward = (): void => target.abort(source.reason);
  source.addEventListener('abort', forward, { once: true });
  return () => source.removeEventListener('abort', forward);
}

/**
 * Runs one request per action concurrently and returns the outputs in order. On the first failure the other
 * requests are aborted and that failure is thrown; the caller's signal aborts them all.
 */
export async function runPerAction<A, R>(
  actions: readonly A[],
  callerSignal: AbortSignal | undefined,
  run: (action: A, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const siblings = new AbortController();
  const unlink = linkAbort(callerSignal, siblings);
  try {
    return await Promise.all(actions.map((action) => run(action, siblings.signal)));
  } catch (error) {
    throw callerSignal?.aborted ? (callerSignal.reason ?? error) : error;
  } finally {
    unlink();
    siblings.abort();
  }
}
