/**
 * Spans of streamed results that are still open, so that none stays open forever: a stream object that is
 * garbage-collected before its consumer finished ends its span (a `FinalizationRegistry` whose held value is the
 * span's call and collected attributes — never the stream itself, which would keep it alive), and whatever is
 * still open at the exit flush or at shutdown is ended there. Both endings mark the span
 * `mellea.stream.abandoned = true`; nothing here holds a timer or a handle, so the process exits as it would.
 */
import type { AttributeMap } from './coerce';
import type { TracedCall } from './traced-call';

/** One stream's open span: what ending it needs, and nothing that refers to the stream. */
export interface OpenStream {
  readonly call: TracedCall;
  /** The attributes its chunks carried so far (undefined when the span does not record them). */
  readonly collected: AttributeMap | undefined;
}

interface Registry {
  readonly open: Set<OpenStream>;
  readonly collected: FinalizationRegistry<OpenStream> | undefined;
}

// On globalThis, like the tracing state, so the CommonJS and ESM builds loaded in one process end each other's
// streams at exit.
const REGISTRY_KEY = Symbol.for('mellea-telemetry.open-streams.v1');
const holder = globalThis as { [REGISTRY_KEY]?: Registry };

function registry(): Registry {
  let current = holder[REGISTRY_KEY];
  if (current === undefined) {
    const open = new Set<OpenStream>();
    const collected =
      typeof FinalizationRegistry === 'function'
        ? new FinalizationRegistry<OpenStream>((stream) => {
            open.delete(stream);
            stream.call.abandon(stream.collected);
          })
        : undefined;
    current = holder[REGISTRY_KEY] = { open, collected };
  }
  return current;
}

/** Tracks `stream`'s span until {@link closeStream}: ended as abandoned when `owner` is collected, or at exit. */
export function openStream(owner: object, stream: OpenStream): void {
  const current = registry();
  current.open.add(stream);
  current.collected?.register(owner, stream, stream);
}

/** Stops tracking a stream whose span is ending normally. */
export function closeStream(stream: OpenStream): void {
  const current = registry();
  if (current.open.delete(stream)) current.collected?.unregister(stream);
}

/**
 * Ends every stream span still open, marked abandoned (the exit flush and shutdown call this before flushing).
 * Returns how many were ended.
 *
 * @example
 * abandonOpenStreams(); // 0 when every stream was read to its end
 */
export function abandonOpenStreams(): number {
  const current = registry();
  let ended = 0;
  for (const stream of [...current.open]) {
    current.open.delete(stream);
    current.collected?.unregister(stream);
    stream.call.abandon(stream.collected);
    ended++;
  }
  return ended;
}

/** How many stream spans are open now (for tests and status). */
export function openStreamCount(): number {
  return registry().open.size;
}
