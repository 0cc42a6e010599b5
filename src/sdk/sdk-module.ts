import type { ContextManager } from '@opentelemetry/api';

/** One SDK package the pipeline may need: its name (for the "not installed" warning) and how to load it. */
export interface SdkModule<T> {
  readonly name: string;
  /** Loads the package; throws `MODULE_NOT_FOUND` when not installed, `UNAVAILABLE` when this build cannot have it. */
  readonly load: () => T;
}

/** The `code` of the error `load` throws for a package this build cannot provide (not a missing install). */
export const UNAVAILABLE = 'ERR_MELLEA_SDK_UNAVAILABLE';

/** The error `load` throws for a package this build cannot provide. */
export function unavailable(name: string, where: string): Error {
  return Object.assign(new Error(`${name} is not available ${where}`), { code: UNAVAILABLE });
}

/** What the pipeline needs from `@opentelemetry/context-async-hooks`. */
export interface ContextManagerModule {
  AsyncLocalStorageContextManager: new () => ContextManager;
}
