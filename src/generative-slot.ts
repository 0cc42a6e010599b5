/**
 * What `@generative` (and `generative.fn`) does with a call: the action it builds (a {@link GenerativeSlot} of the
 * function's description and named arguments), the session it acts through, and the one `aact` span of the act.
 */
import { applicationRecipe } from './attributes/application';
import { preserveIdentity, tracedMark } from './function-identity';
import { parameterNames } from './parameter-names';
import { SPAN_AACT } from './semconv';
import { runTraced } from './span-builder';

/**
 * The action a `@generative` method becomes: its description, its named arguments and its declared return
 * format. A session's `act` receives it; `mellea.action_type` is its class name, `GenerativeSlot`.
 */
export class GenerativeSlot<Args extends Record<string, unknown> = Record<string, unknown>> {
  /** The method name. */
  readonly name: string;
  /** What the function should do, in words (the `description` option, else the method name). */
  readonly description: string;
  /** The call's arguments by parameter name. */
  readonly args: Args;
  /** The declared return format (JSON schema, Standard-Schema validator, class…), if any. */
  readonly format: unknown;

  constructor(init: { name: string; description: string; args: Args; format?: unknown }) {
    this.name = init.name;
    this.description = init.description;
    this.args = init.args;
    this.format = init.format;
  }
}

/** Options `@generative` passes to `act`: the format when one is declared. */
export interface ActOptions {
  readonly format?: unknown;
  readonly [option: string]: unknown;
}

/** What `act` returns: at least the generated `value` (other fields feed the span's attributes). */
export interface ActResult<T = unknown> {
  readonly value: T;
  readonly success?: boolean;
  readonly sampleGenerations?: readonly unknown[];
}

/** The session a `@generative` method runs through (`this.session`, or the `session` option). */
export interface GenerativeSession {
  act(action: GenerativeSlot, options?: ActOptions): PromiseLike<ActResult> | ActResult;
}

/** How one generative function or method turns its calls into slots. */
export interface SlotSpec {
  /** The slot's name: the method or function name. */
  readonly name: string;
  /** What the function does, for the model. Default: the name. */
  readonly description?: string;
  /** The return format, if any (passed to `act` as `{ format }` and kept on the slot). */
  readonly format?: unknown;
  /** Parameter names for the slot's `args`. Default: read from the function's source, else `arg0`, `arg1`… */
  readonly parameters?: readonly string[];
  /** The session of a call (`self` is its `this`); undefined when there is none. */
  session(self: unknown): GenerativeSession | undefined;
  /** How the function is named in errors: `@generative method x`, `generative.fn x`. */
  readonly label: string;
}

/**
 * The generative replacement of `original`: each call builds a {@link GenerativeSlot} from its arguments and
 * resolves to `session.act(slot, { format })`'s `value`; `original`'s body is not run. The `aact` span is `act`'s
 * own when `act` is traced; otherwise this opens it (through the span-builder) — never two.
 */
export function generativeSlotFunction(original: Function, spec: SlotSpec): (...args: unknown[]) => Promise<unknown> {
  const names = spec.parameters ?? parameterNames(original);
  const description = spec.description ?? spec.name;
  const { name, format } = spec;
  const actRecipe = applicationRecipe(SPAN_AACT, `${name} (@generative)`);
  const slotFunction = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const session = spec.session(this);
    if (session === undefined || session === null || typeof session.act !== 'function') {
      throw new TypeError(
        `${spec.label} ${name} needs a session with an act() method: set this.session or the "session" option`,
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
  preserveIdentity(slotFunction, original, { scope: actRecipe.scope.name, spanName: SPAN_AACT });
  return slotFunction;
}
