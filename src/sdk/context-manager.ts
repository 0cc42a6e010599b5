/**
 * The async context manager: registered only when a scope is on and no working one exists, and handed over to
 * the application's when the application registers its own later (e.g. a NodeSDK started after this package
 * was loaded) — so the application never sees "Attempted duplicate registration of API: context".
 */

import type { ContextManager } from '@opentelemetry/api';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describeError, warnOnce } from '../warnings';
import { CONTEXT_ASYNC_HOOKS } from './sdk-modules';

const PROBE = createContextKey('mellea-telemetry.context-probe');

/** True when some context manager (ours or the application's) propagates context. */
export function hasWorkingContextManager(): boolean {
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  return context.with(probe, () => context.active() === probe);
}

const OWNED_KEY = Symbol.for('mellea-telemetry.owned-context-manager');
const holder = globalThis as { [OWNED_KEY]?: ContextManager };

type SetGlobal = typeof context.setGlobalContextManager;
const api = context as { setGlobalContextManager: SetGlobal };

/**
 * While we own the global context manager, `context.setGlobalContextManager` (the API's own method, patched on
 * the singleton instance) first retires ours, then registers the caller's. The patch is removed with ours.
 */
function yieldToLaterRegistration(): void {
  const original: SetGlobal = Object.getPrototypeOf(context).setGlobalContextManager;
  api.setGlobalContextManager = function (manager: ContextManager): boolean {
    releaseContextManager();
    return original.call(context, manager);
  };
}

/** Registers an AsyncLocalStorage context manager unless one already works. */
export function ensureContextManager(): void {
  if (hasWorkingContextManager()) return;
  try {
    const { AsyncLocalStorageContextManager } = CONTEXT_ASYNC_HOOKS.load();
    const manager = new AsyncLocalStorageContextManager().enable();
    if (context.setGlobalContextManager(manager)) {
      holder[OWNED_KEY] = manager;
      yieldToLaterRegistration();
    } else manager.disable();
  } catch (error) {
    warnOnce(
      'context-manager',
      `could not register a context manager, so spans will not nest (${describeError(error)}); ` +
        `install it with: npm install @opentelemetry/context-async-hooks`,
    );
  }
}

/** Unregisters the context manager if this package registered it (scopes turned off, or the app took over). */
export function releaseContextManager(): void {
  if (holder[OWNED_KEY] === undefined) return;
  holder[OWNED_KEY] = undefined;
  delete (api as { setGlobalContextManager?: SetGlobal }).setGlobalContextManager;
  context.disable();
}
