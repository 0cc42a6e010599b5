import { applicationRecipe } from '../src/attributes/application';
import { preserveIdentity, tracedMark } from '../src/function-identity';
import { type GenerativeSession, GenerativeSlot } from '../src/generative-slot';
import { declaredReturnClass } from '../src/metadata';
import { parameterNames } from '../src/parameter-names';
import { SPAN_AACT } from '../src/semconv';
import { runTraced } from '../src/span-builder';
import { type MethodDecorator, methodDecorator } from './dialect';

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
  return methodDecorator('generative', ({ original, name, target, key }) => {
    const format = options.format ?? (target !== undefined ? declaredReturnClass(target, key) : undefined);
    const names = options.parameters ?? parameterNames(original);
    const description = options.description ?? name;
    const actRecipe = applicationRecipe(SPAN_AACT, `${name} (@generative)`);
    const slotMethod = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const session = options.session ? options.session(this) : (this as { session?: GenerativeSession }).session;
      if (session === undefined || session === null || typeof session.act !== 'function') {
        throw new TypeError(
          `@generative method ${name} needs a session with an act() method: set this.session or the "session" option`,
        );
      }
      const slotArgs: Record<string, unknown> = {};
      args.forEach((value, index) => {
        slotArgs[names[index] ?? `arg${index}`] = value;
      });
      const slot = new GenerativeSlot({ name, description, args: slotArgs, format });
      const actArgs = format === undefined ? [slot] : [slot, { format }];
      const result = (await (tracedMark(session.act) !== undefined || !actRecipe.scope.enabled
        ? session.act.apply(session, actArgs as [GenerativeSlot])
        : runTraced(actRecipe, session.act, session, actArgs))) as { value?: unknown } | undefined;
      return result?.value;
    };
    preserveIdentity(slotMethod, original, { scope: actRecipe.scope.name, spanName: SPAN_AACT });
    return slotMethod;
  });
}
