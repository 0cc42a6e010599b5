/**
 * Group "disabled": ONLY the bare and the decorated-but-disabled rows, interleaved, in a process of their own
 * (other wrappers loaded in the same process change what V8 inlines). Tracing is off, as after a plain import.
 */
import { isApplicationTracingEnabled, isBackendTracingEnabled } from '../../src';
import { RESPONSE_TEXT } from '../lib/fixtures';
import { measureRows, type Row, runGroup } from '../lib/harness';
import { ACTION, bareBackend, CONTEXT, decoratedBackend, OPTIONS } from '../lib/variants';

runGroup(async () => {
  if (isBackendTracingEnabled() || isApplicationTracingEnabled())
    throw new Error('tracing must be off in the disabled group');
  const bare = bareBackend();
  const disabled = decoratedBackend();
  const rows: Row[] = [
    { id: 'bare.async', label: 'bare method, async', async: true, call: () => bare.chat(ACTION, CONTEXT, OPTIONS) },
    {
      id: 'disabled.async',
      label: '@traceBackend, scope disabled, async',
      async: true,
      call: () => disabled.chat(ACTION, CONTEXT, OPTIONS),
    },
    { id: 'bare.sync', label: 'bare method, sync', async: false, call: () => bare.countTokens(RESPONSE_TEXT) },
    {
      id: 'disabled.sync',
      label: '@traceBackend, scope disabled, sync',
      async: false,
      call: () => disabled.countTokens(RESPONSE_TEXT),
    },
  ];
  return { group: 'disabled', rows: await measureRows(rows, { rounds: 41, warmupRounds: 3, batchMs: 10 }) };
});
