/**
 * How a traced call ends, decided in one place:
 * - a plain value ends the span now;
 * - a promise or thenable when it settles — and when it resolves to a stream, when that stream is done;
 * - a stream (an async iterator, an async iterable without `next` such as `openai`'s `Stream` or `ollama`'s
 *   `AbortableAsyncIterator`, a web `ReadableStream`) when its consumer finishes, fails, or stops early
 *   (`break`/`return()`/`cancel()`); each step runs with the span active and its chunk is read for attributes;
 *   a stream dropped unfinished ends as abandoned (src/open-streams.ts).
 *
 * The caller always gets the original object, instrumented in place (a native Promise is the one exception: it
 * is chained, so the caller gets a promise of the exact same value or rejection, and an unhandled rejection stays
 * unhandled). Reading a hostile result never throws: a shape that cannot be inspected is a plain value.
 */
import { context } from '@opentelemetry/api';
import type { AttributeMap } from './coerce';
import { closeStream, type OpenStream, openStream } from './open-streams';
import type { TracedCall } from './traced-call';
import { describeError, warnOnce } from './warnings';

/**
 * Ends `call`'s span according to `result` (see the module comment) and returns what the caller gets: `result`
 * itself, or for a native Promise a chained promise of the same outcome.
 */
export function settle(call: TracedCall, result: unknown): unknown {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    call.succeed(result);
    return result;
  }
  const then = read(result, 'then');
  if (typeof then === 'function') return settleThenable(call, result as PromiseLike<unknown>, then);
  settleObject(call, result);
  return result;
}

/** `object[key]`, or undefined when the getter (or a Proxy trap) throws. */
function read(object: object, key: PropertyKey): unknown {
  try {
    return (object as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isReadableStream(value: object): boolean {
  try {
    return typeof ReadableStream === 'function' && value instanceof ReadableStream;
  } catch {
    return false;
  }
}

/** What a promise resolved to: a stream keeps the span open; anything else ends it. */
function settleResolved(call: TracedCall, value: unknown): void {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) settleObject(call, value);
  else call.succeed(value);
}

/** A non-thenable object: a stream shape keeps the span open until it is consumed; anything else ends it now. */
function settleObject(call: TracedCall, value: object): void {
  const iterate = read(value, Symbol.asyncIterator);
  // A web ReadableStream is async-iterable where the platform allows it (Node); elsewhere known by its class.
  // Either way a plain value costs one more property miss and nothing else.
  const getReader = typeof iterate === 'function' || isReadableStream(value) ? read(value, 'getReader') : undefined;
  if (typeof iterate !== 'function' && typeof getReader !== 'function') {
    call.succeed(value);
    return;
  }
  const stream = new StreamSpan(call);
  let traced: boolean;
  try {
    if (typeof getReader === 'function') traced = traceReadableStream(stream, value, getReader, iterate);
    else if (typeof read(value, 'next') === 'function') traced = traceIterator(stream, value as AsyncIterator<unknown>);
    else traced = traceIterable(stream, value, iterate as () => AsyncIterator<unknown>);
  } catch (error) {
    warnOnce(`stream:instrument:${call.recipe.label}`, `could not observe a stream result: ${describeError(error)}`);
    traced = false;
  }
  if (traced) openStream(value, stream);
  else {
    warnOnce(
      `stream:frozen:${call.recipe.label}`,
      `${call.recipe.label} returned a stream that cannot be instrumented (non-extensible); its span ends when the method returns`,
    );
    call.succeed(undefined);
  }
}

function settleThenable(call: TracedCall, result: PromiseLike<unknown>, then: Function): unknown {
  if (result instanceof Promise && result.constructor === Promise) {
    return result.then(
      (value) => {
        settleResolved(call, value);
        return value;
      },
      (error: unknown) => {
        call.fail(error);
        throw error;
      },
    );
  }
  // A custom thenable or a Promise subclass (e.g. a client's APIPromise with extra methods): hand back the
  // object itself and observe it. Our callbacks are registered first, so a stream it resolves to is
  // instrumented before the caller's own callbacks receive it.
  try {
    then.call(
      result,
      (value: unknown) => settleResolved(call, value),
      (error: unknown) => call.fail(error),
    );
  } catch (error) {
    warnOnce(`thenable:${call.recipe.label}`, `could not observe a thenable result: ${describeError(error)}`);
    call.succeed(undefined);
  }
  return result;
}

/** One stream's span while it is consumed: chunks collected, ended once however the stream finishes. */
class StreamSpan implements OpenStream {
  readonly collected: AttributeMap | undefined;
  /** Whether an iterator or reader has been handed out: the first one consumed is the one traced. */
  claimed = false;

  constructor(readonly call: TracedCall) {
    this.collected = call.recording && call.recipe.chunkAttributes ? {} : undefined;
  }

  chunk(step: unknown): void {
    if (this.collected === undefined) return;
    let value: unknown;
    try {
      value = (step as IteratorResult<unknown>).value;
    } catch {
      return;
    }
    this.call.recordChunk(value, this.collected);
  }

  finish(): void {
    closeStream(this);
    this.call.succeedWith(this.collected);
  }

  fail(error: unknown): void {
    closeStream(this);
    if (this.collected !== undefined && !this.call.isEnded) this.call.setAttributes(this.collected);
    this.call.fail(error);
  }

  /**
   * Runs one step of the stream (`next`, `read`, `return`, `cancel`…) with the span active. `ends`: the stream
   * is over once this step settles (`return`, `cancel`), whatever it resolves to.
   */
  step(method: Function, self: unknown, args: ArrayLike<unknown>, ends: boolean): unknown {
    let pending: unknown;
    try {
      pending = context.with(this.call.context, () => method.apply(self, args));
    } catch (error) {
      this.fail(error);
      throw error;
    }
    return Promise.resolve(pending).then(
      (step: unknown) => {
        if (ends || isDone(step)) this.finish();
        else this.chunk(step);
        return step;
      },
      (error: unknown) => {
        this.fail(error);
        throw error;
      },
    );
  }
}

function isDone(step: unknown): boolean {
  if (step === null || typeof step !== 'object') return true;
  try {
    return Boolean((step as IteratorResult<unknown>).done);
  } catch {
    return true;
  }
}

const ITERATOR_METHODS = ['next', 'return', 'throw'] as const;

/** An async iterator (a generator, say): its own `next`/`return`/`throw` are instrumented in place. */
function traceIterator(stream: StreamSpan, iterator: AsyncIterator<unknown>): boolean {
  if (!Object.isExtensible(iterator)) return false;
  for (const name of ITERATOR_METHODS) {
    const method = read(iterator, name);
    if (typeof method !== 'function') continue;
    const ends = name !== 'next';
    define(iterator, name, function (this: unknown) {
      return stream.step(method, this, arguments, ends);
    });
  }
  return true;
}

/**
 * An async iterable without `next` (`openai`'s `Stream`, `ollama`'s `AbortableAsyncIterator`): its
 * `[Symbol.asyncIterator]` is instrumented in place; the first iterator it hands out is traced.
 */
function traceIterable(stream: StreamSpan, iterable: object, iterate: () => AsyncIterator<unknown>): boolean {
  if (!Object.isExtensible(iterable)) return false;
  define(iterable, Symbol.asyncIterator, function (this: unknown) {
    const iterator = context.with(stream.call.context, () => iterate.apply(this, arguments as unknown as []));
    return claim(stream, iterator, this);
  });
  return true;
}

/** The first iterator handed out, wrapped; later ones as they are (their stream has its span already). */
function claim(stream: StreamSpan, iterator: AsyncIterator<unknown>, source: unknown): AsyncIterator<unknown> {
  if (stream.claimed || iterator === null || typeof iterator !== 'object') return iterator;
  stream.claimed = true;
  return new TracedIterator(stream, iterator, source);
}

/**
 * The iterator a traced iterable hands out. It holds the iterable (`source`): some SDK iterators do not refer to
 * their stream object, which must not be collected — and its span abandoned — while it is being read.
 */
class TracedIterator implements AsyncIterableIterator<unknown> {
  constructor(
    private readonly stream: StreamSpan,
    private readonly inner: AsyncIterator<unknown>,
    readonly source: unknown,
  ) {}

  next(...args: [] | [unknown]): Promise<IteratorResult<unknown>> {
    return this.stream.step(this.inner.next, this.inner, args, false) as Promise<IteratorResult<unknown>>;
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    const method = read(this.inner, 'return');
    if (typeof method === 'function') {
      return this.stream.step(method, this.inner, [value], true) as Promise<IteratorResult<unknown>>;
    }
    this.stream.finish();
    return Promise.resolve({ done: true, value });
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    const method = read(this.inner, 'throw');
    if (typeof method === 'function') {
      return this.stream.step(method, this.inner, [error], true) as Promise<IteratorResult<unknown>>;
    }
    this.stream.fail(error);
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * A web `ReadableStream`: `getReader()` (its reader's `read`/`cancel`), `[Symbol.asyncIterator]`/`values()`,
 * `pipeTo()` (ends when the pipe settles) and `pipeThrough()` (the span follows the returned stream) are
 * instrumented in place. `tee()` and consumers that bypass the public methods leave it to the abandonment rule.
 */
function traceReadableStream(stream: StreamSpan, readable: object, getReader: Function, iterate: unknown): boolean {
  if (!Object.isExtensible(readable)) return false;
  define(readable, 'getReader', function (this: unknown) {
    const reader = getReader.apply(this, arguments) as object;
    if (stream.claimed || reader === null || typeof reader !== 'object' || !Object.isExtensible(reader)) return reader;
    stream.claimed = true;
    const readChunk = read(reader, 'read');
    const cancel = read(reader, 'cancel');
    const releaseLock = read(reader, 'releaseLock');
    if (typeof readChunk === 'function') {
      define(reader, 'read', function (this: unknown) {
        return stream.step(readChunk, this, arguments, false);
      });
    }
    if (typeof cancel === 'function') {
      define(reader, 'cancel', function (this: unknown) {
        return stream.step(cancel, this, arguments, true);
      });
    }
    if (typeof releaseLock === 'function') {
      define(reader, 'releaseLock', function (this: unknown) {
        // The stream may be read again through a new reader: that one is traced.
        stream.claimed = false;
        return releaseLock.apply(this, arguments);
      });
    }
    return reader;
  });
  for (const name of [Symbol.asyncIterator, 'values'] as const) {
    const method = name === Symbol.asyncIterator ? iterate : read(readable, name);
    if (typeof method !== 'function') continue;
    define(readable, name, function (this: unknown) {
      return claim(stream, method.apply(this, arguments), this);
    });
  }
  const pipeTo = read(readable, 'pipeTo');
  if (typeof pipeTo === 'function') {
    define(readable, 'pipeTo', function (this: unknown) {
      if (stream.claimed) return pipeTo.apply(this, arguments);
      stream.claimed = true;
      return stream.step(pipeTo, this, arguments, true);
    });
  }
  const pipeThrough = read(readable, 'pipeThrough');
  if (typeof pipeThrough === 'function') {
    define(readable, 'pipeThrough', function (this: unknown) {
      const piped = pipeThrough.apply(this, arguments) as unknown;
      if (stream.claimed || piped === null || typeof piped !== 'object') return piped;
      const pipedReader = read(piped, 'getReader');
      if (
        typeof pipedReader !== 'function' ||
        !traceReadableStream(stream, piped, pipedReader, read(piped, Symbol.asyncIterator))
      )
        return piped;
      // The span now follows the output stream: re-register it as the object whose collection abandons it.
      closeStream(stream);
      openStream(piped, stream);
      return piped;
    });
  }
  return true;
}

function define(target: object, key: PropertyKey, value: Function): void {
  Object.defineProperty(target, key, { configurable: true, writable: true, value });
}
