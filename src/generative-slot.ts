/** The small interfaces `@generative` needs: the action it builds and the session it calls. */

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
