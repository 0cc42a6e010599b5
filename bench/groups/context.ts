/**
 * Group "context": what importing the package with tracing off leaves behind — is an async context manager
 * registered, is the SDK loaded — and what a registered AsyncLocalStorage context manager costs every awaited
 * promise in the process. The two await rows run one after the other, not interleaved: turning promise hooks
 * on and off deoptimises the code that uses promises, which would charge both rows for the switching.
 *
 * With `dist` on the command line (group "context-dist") it imports the built package (dist/index.js) instead of
 * the compiled source, and only checks the import. One import per process: the package keeps its state on
 * globalThis, so a second copy would find the first one's.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { measureRows, type Row, runGroup } from '../lib/harness';

const BUILT = process.argv.includes('dist');
/** The built package, as users import it. */
export const DIST_ENTRY = resolve('dist', 'index.js');
const SOURCE_ENTRY = join(__dirname, '..', '..', 'src', 'index.js');

interface TracingStatus {
  isApplicationTracingEnabled(): boolean;
  isBackendTracingEnabled(): boolean;
}

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

async function importCheck(entry: string, pkg: TracingStatus) {
  const afterImport = await contextPropagates();
  return {
    entry: relative(process.cwd(), entry),
    tracingOff: !pkg.isApplicationTracingEnabled() && !pkg.isBackendTracingEnabled(),
    contextManagerRegistered: afterImport.sync || afterImport.afterAwait,
    sdkLoaded: loadedModules('@opentelemetry/sdk-trace').length > 0,
    contextHooksLoaded: loadedModules('@opentelemetry/context-async-hooks').length > 0,
  };
}

async function noop(): Promise<number> {
  return 1;
}

runGroup(async () => {
  const entry = BUILT ? DIST_ENTRY : SOURCE_ENTRY;
  if (!existsSync(entry)) throw new Error(`${entry} does not exist (npm run build)`);
  const pkg = require(entry) as TracingStatus;
  const importWithTracingOff = await importCheck(entry, pkg);
  if (BUILT) return { group: 'context-dist', importWithTracingOff };

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
    importWithTracingOff,
    probeSanity: { withRegisteredManager },
  };
});
