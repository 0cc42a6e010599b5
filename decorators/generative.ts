import { type GenerativeSession, generativeSlotFunction } from '../src/generative-slot';
import { declaredReturnClass } from '../src/metadata';
import { type MethodDecorator, methodDecorator } from './dialect';
import { checkFunction, type ThisOf } from './function-form';

/** Options of `@generative`. */
export interface GenerativeOptions<This = any> {
  /** What the function does, for the model. Default: the method name. */
  description?: string;
  /** The return format (JSON schema, Standard-Schema validator, class…); sets `mellea.has_format`. */
  format?: unknown;
  /** The session to act through. Default: `this.session`. */
  session?: (self: This) => GenerativeSession;
  /** Parameter names for the slot's `args`. Default: read from the method's source, else `arg0`, `arg1`… */
  parameters?: readonly string[];
}

/** Options of `generative.fn`: as {@link GenerativeOptions}, but the session is required (a function has no `this.session`). */
export interface GenerativeFunctionOptions<This = any> extends Omit<GenerativeOptions<This>, 'session'> {
  /** The session to act through, or a function of the call's `this` that returns it. */
  session: GenerativeSession | ((self: This) => GenerativeSession);
  /** The slot's name. Default: the function's name (`generative` when it has none). */
  name?: string;
}

/**
 * Makes a method a generative slot: its description and arguments become a {@link GenerativeSlot} that goes
 * through the session's `act`, giving ONE `aact` span (`mellea.action_type = GenerativeSlot`) with the backend
 * span beneath it. The method's own body is not run; it resolves to the `act` result's `value`. If the
 * session's `act` is not itself traced, `@generative` opens that `aact` span.
 *
 * @example
 * class Analyst {
 *   constructor(readonly session: Session) {}
 *   @generative({ description: 'Classify the sentiment of the text', format: { enum: ['positive', 'negative'] } })
 *   async sentiment(text: string): Promise<string> { return undefined as never; }
 * }
 */
export function generative(options: GenerativeOptions = {}): MethodDecorator {
  return methodDecorator('generative', ({ original, name, target, key }) =>
    generativeSlotFunction(original, {
      ...options,
      name,
      format: options.format ?? (target !== undefined ? declaredReturnClass(target, key) : undefined),
      session: (self) => (options.session ? options.session(self) : (self as { session?: GenerativeSession })?.session),
      label: '@generative method',
    }),
  );
}

/**
 * The function form of `@generative`, for plain and arrow functions (decorators cannot decorate them): the same
 * slot, the same single `aact` span. The function's body is not run; its signature is kept, made async.
 *
 * @example
 * const sentiment = generative.fn(async (text: string): Promise<'positive' | 'negative'> => undefined as never, {
 *   session,
 *   description: 'Classify the sentiment of the text',
 *   format: { enum: ['positive', 'negative'] },
 * });
 * await sentiment('I love it'); // 'positive'
 */
generative.fn = function generativeFunction<F extends (...args: any[]) => any>(
  fn: F,
  options: GenerativeFunctionOptions<ThisOf<F>>,
): (this: ThisParameterType<F>, ...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  checkFunction('generative.fn', fn);
  const { session } = options ?? {};
  if (session === undefined || session === null)
    throw new TypeError('generative.fn needs the "session" option: the session (or a function returning it)');
  const resolve = typeof session === 'function' ? session : () => session;
  return generativeSlotFunction(fn, {
    ...options,
    name: options.name ?? (fn.name || 'generative'),
    session: resolve as (self: unknown) => GenerativeSession,
    label: 'generative.fn',
  }) as never;
};
