/** What the function forms of the decorators (`traceApplication.fn`, `traceBackend.fn`, `generative.fn`) share. */

/** Throws a TypeError when `fn` is not a function: a programming error, reported where it is made. */
export function checkFunction(form: string, fn: unknown): asserts fn is Function {
  if (typeof fn !== 'function') throw new TypeError(`${form} needs a function to trace; got ${typeof fn}`);
}

/** The `this` type of `F` for option callbacks: `any` when `F` does not declare one (arrow functions never do). */
export type ThisOf<F> = unknown extends ThisParameterType<F> ? any : ThisParameterType<F>;
