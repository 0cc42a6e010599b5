/** The async context manager: registered only when a scope is enabled and the application has none. */
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import type { ContextManager } from '@opentelemetry/api';
import { warnOnce, describeError } from '../warnings';

const PROBE = createContextKey('mellea-telemetry.context-probe');

/** True when some context manager (ours or the application's) propagates context. */
export function hasWorkingContextManager(): boolean {
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  return context.with(probe, () => context.active() === probe);
}

const OWNED_KEY = Symbol.for('mellea-telemetry.owned-context-manager');
const holder = globalThis as { [OWNED_KEY]?: ContextManager };

/** Registers an AsyncLocalStorage context manager unless one already works. */
export function ensureContextManager(): void {
  if (hasWorkingContextManager()) return;
  try {
    const { AsyncLocalStorageContextManager } =
      require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
    const manager = new AsyncLocalStorageContextManager().enable();
    if (context.setGlobalContextManager(manager)) holder[OWNED_KEY] = manager;
    else manager.disable();
  } catch (error) {
    warnOnce('context-manager', `could not register a context manager; spans will not nest: ${describeError(error)}`);
  }
}

/** Unregisters the context manager if this package registered it (both scopes turned off by a reload). */
export function releaseContextManager(): void {
  if (holder[OWNED_KEY] === undefined) return;
  holder[OWNED_KEY] = undefined;
  context.disable();
}
