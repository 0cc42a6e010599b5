/**
 * How a traced call ends, decided in one place: a plain value ends the span now; a promise or thenable when it
 * settles; an async iterator when its consumer finishes, throws or stops early. The caller always gets the
 * original result object (a native Promise is the one exception: it is chained, so the caller gets a promise of
 * the exact same value or rejection, and an unhandled rejection stays unhandled).
 */
import { context } from '@opentelemetry/api';
import type { AttributeMap } from './coerce';
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
  let then: unknown;
  try {
    then = (result as { then?: unknown }).then;
  } catch {
    then = undefined;
  }
  if (typeof then === 'function') return settleThenable(call, result as PromiseLike<unknown>, then);
  if (isAsyncIterator(result)) return instrumentAsyncIterator(call, result);
  call.succeed(result);
  return result;
}

function settleThenable(call: TracedCall, result: PromiseLike<unknown>, then: Function): unknown {
  if (result instanceof Promise && result.constructor === Promise) {
    return result.then(
      (value) => {
        call.succeed(value);
        return value;
      },
      (error: unknown) => {
        call.fail(error);
        throw error;
      },
    );
  }
  // A custom thenable or a Promise subclass (e.g. a client's APIPromise with extra methods): hand back the
  // object itself and observe it.
  try {
    then.call(
      result,
      (value: unknown) => call.succeed(value),
      (error: unknown) => call.fail(error),
    );
  } catch (error) {
    warnOnce(`thenable:${call.recipe.label}`, `could not observe a thenable result: ${describeError(error)}`);
    call.succeed(undefined);
  }
  return result;
}

type AnyAsyncIterator = AsyncIterator<unknown> & { [Symbol.asyncIterator](): unknown };

function isAsyncIterator(value: object): value is AnyAsyncIterator {
  try {
    return (
      typeof (value as Partial<AnyAsyncIterator>).next === 'function' &&
      typeof (value as Partial<AnyAsyncIterator>)[Symbol.asyncIterator] === 'function'
    );
  } catch {
    return false;
  }
}

/**
 * Keeps the span open while the iterator is consumed: each `next`/`return`/`throw` runs with the span active
 * (so work done inside nests under it), chunks are read for attributes, and the span ends when the iterator is
 * done, rejects, or is stopped early. The iterator object itself is returned, with its methods instrumented.
 */
function instrumentAsyncIterator(call: TracedCall, iterator: AnyAsyncIterator): unknown {
  if (!Object.isExtensible(iterator)) {
    warnOnce(
      `iterator:frozen:${call.recipe.label}`,
      `${call.recipe.label} returned a non-extensible async iterator; its span ends when the method returns`,
    );
    call.succeed(undefined);
    return iterator;
  }
  const collected: AttributeMap | undefined = call.recording && call.recipe.chunkAttributes ? {} : undefined;
  const step = (method: Function, self: unknown, args: unknown[]): unknown => {
    let pending: unknown;
    try {
      pending = context.with(call.context, () => method.apply(self, args));
    } catch (error) {
      call.fail(error);
      throw error;
    }
    return Promise.resolve(pending).then(
      (step: unknown) => {
        if (step === null || typeof step !== 'object' || (step as IteratorResult<unknown>).done)
          call.succeedWith(collected);
        else if (collected !== undefined) call.recordChunk((step as IteratorResult<unknown>).value, collected);
        return step;
      },
      (error: unknown) => {
        call.fail(error);
        throw error;
      },
    );
  };
  for (const name of ['next', 'return', 'throw'] as const) {
    const method = iterator[name];
    if (typeof method !== 'function') continue;
    Object.defineProperty(iterator, name, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        return step(method, this, args);
      },
    });
  }
  return iterator;
}
