/**
 * Group "content": what message capture costs. A backend `chat(action, ctx, options)` over a 10-message
 * conversation (9 in the context, the action), resolving to the fixtures' 2,000-character answer:
 *   - content.off.baseline: the backend recipe as it was before message capture (the same conventions and
 *     result attributes, built from the same functions, without the capture hooks) — the reference for
 *   - content.off: `@traceBackend` with capture off (the default): the hooks check one flag and return;
 *   - content.on: capture on: input and output messages normalised, serialised, bounded;
 *   - content.on.redacted: capture on with `redact: redactSecrets`.
 * Spans go to a default BatchSpanProcessor with a discarding exporter, as in the cpu group.
 */
import { SpanKind } from '@opentelemetry/api';
import { traceBackend, traceMethods } from '../../src';
import { writeBackendConventions, writeBackendMetadata, writeBackendResult } from '../../src/attributes/backend';
import { redactSecrets } from '../../src/content/secrets';
import { traceMethod } from '../../src/span-builder';
import { state } from '../../src/state';
import type { SpanRecipe } from '../../src/traced-call';
import { ChatContext, type ChatOptions, type Instruction, JsonFormat, ollamaBackendClass } from '../lib/fixtures';
import { measureRows, type Row, runGroup } from '../lib/harness';
import { benchProvider, routeDecoratorsTo } from '../lib/tracing';

/** A message as the runtime's `Message` has it. */
class Message {
  constructor(
    readonly role: string,
    readonly content: string,
  ) {}
}

const TURN = 'Please compare the two quarterly reports and list what changed in revenue, costs and headcount. ';
const CONVERSATION = new ChatContext(
  Array.from({ length: 9 }, (_, index) =>
    index === 0
      ? new Message('system', 'You are a careful financial analyst. Answer in short paragraphs.')
      : new Message(index % 2 === 1 ? 'user' : 'assistant', TURN.repeat(2).slice(0, 180 + index)),
  ),
);
const ACTION = new Message('user', 'And what should we watch next quarter?') as unknown as Instruction;
const OPTIONS: ChatOptions = { format: JsonFormat, tools: [] };

/** The backend recipe without the capture hooks (what `@traceBackend('chat')` did before message capture). */
function recipeWithoutCapture(): SpanRecipe {
  return {
    scope: state.backend,
    kind: SpanKind.CLIENT,
    label: 'chat',
    spanName: () => 'chat',
    startAttributes(self, args, out) {
      writeBackendConventions(self, args, 'chat', out);
      writeBackendMetadata(self, out);
    },
    resultAttributes: (result, _self, _args, out) => writeBackendResult(result, out),
    chunkAttributes: (chunk, _self, _args, out) => writeBackendResult(chunk, out),
  };
}

runGroup(async () => {
  const sampled = benchProvider();
  routeDecoratorsTo(sampled.provider);
  const capture = (messages: boolean, redact?: typeof redactSecrets) => (): void => {
    state.capture.messages = messages;
    state.capture.redact = redact;
  };

  const Baseline = ollamaBackendClass();
  Baseline.prototype.chat = traceMethod(Baseline.prototype.chat, recipeWithoutCapture(), 'chat');
  const baseline = new Baseline();
  const decorated = new (traceMethods(ollamaBackendClass(), { chat: traceBackend('chat') }))();

  const call = (backend: typeof baseline) => () => backend.chat(ACTION, CONVERSATION, OPTIONS);
  const rows: Row[] = [
    {
      id: 'content.off.baseline',
      label: 'backend recipe without the capture hooks, 10-message conversation',
      async: true,
      before: capture(false),
      call: call(baseline),
    },
    {
      id: 'content.off',
      label: '@traceBackend, message capture off (default), 10-message conversation',
      async: true,
      before: capture(false),
      call: call(decorated),
    },
    {
      id: 'content.on',
      label: '@traceBackend, message capture on: 10 input messages + the 2,000-char answer',
      async: true,
      before: capture(true),
      call: call(decorated),
    },
    {
      id: 'content.on.redacted',
      label: '@traceBackend, message capture on, redact: redactSecrets',
      async: true,
      before: capture(true, redactSecrets),
      call: call(decorated),
    },
  ];
  const stats = await measureRows(rows, { rounds: 21, warmupRounds: 3, batchMs: 25 });
  capture(false)();
  await sampled.provider.forceFlush();
  return { group: 'content', rows: stats, spansExported: sampled.exporter.exported };
});
