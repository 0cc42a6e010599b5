/**
 * Group "context": what importing the package with tracing off leaves behind — is an async context manager
 * registered, is the SDK loaded — and what a registered AsyncLocalStorage context manager costs every awaited
 * promise in the process. The two await rows run one after the other, not interleaved: turning promise hooks
 * on and off deoptimises the code that uses promises, which would charge both rows for the switching.
 */
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { isApplicationTracingEnabled, isBackendTracingEnabled } from '../../src';
import { measureRows, runGroup, type Row } from '../lib/harness';

const PROBE = createContextKey('bench.context-probe');

/** True when a context set with `context.with` is still active after an await, i.e. a manager propagates it. */
async function contextPropagates(): Promise<{ sync: boolean; afterAwait: boolean }> {
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  const sync = context.with(probe, () => context.active().getValue(PROBE) === true);
  const afterAwait = await context.with(probe, async () => {
    await null;
    return context.active().getValue(PROBE) === true;
  });
  return { sync, afterAwait };
}

function loadedModules(fragment: string): string[] {
  return Object.keys(require.cache).filter((path) => path.includes(fragment));
}

async function noop(): Promise<number> {
  return 1;
}

runGroup(async () => {
  const tracingOff = !isApplicationTracingEnabled() && !isBackendTracingEnabled();
  const afterImport = await contextPropagates();
  const sdkLoaded = loadedModules('@opentelemetry/sdk-trace').length > 0;
  const contextHooksLoaded = loadedModules('@opentelemetry/context-async-hooks').length > 0;

  const options = { rounds: 9, warmupRounds: 4, batchMs: 30 };
  const without: Row = {
    id: 'await.no-context-manager',
    label: 'await an async call, no context manager',
    async: true,
    call: () => noop(),
  };
  const [withoutStats] = await measureRows([without], options);

  // Loaded only now, so that the check above sees what the package alone loads.
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // The AsyncLocalStorage turns its promise hooks on at its first `run`, as the first traced call does.
  context.with(ROOT_CONTEXT, () => undefined);
  const withRegisteredManager = await contextPropagates();
  const withAls: Row = {
    id: 'await.async-local-storage',
    label: 'await an async call, AsyncLocalStorage context manager registered',
    async: true,
    call: () => noop(),
  };
  const [withStats] = await measureRows([withAls], options);
  return {
    group: 'context',
    rows: [withoutStats!, withStats!],
    importWithTracingOff: {
      tracingOff,
      contextManagerRegistered: afterImport.sync || afterImport.afterAwait,
      sdkLoaded,
      contextHooksLoaded,
    },
    probeSanity: { withRegisteredManager },
  };
});
