/**
 * Coexistence with an application's own OpenTelemetry NodeSDK, started before or after this package: no
 * duplicate-registration error, no lost spans, one trace where the spans nest, and our exporter still gets ours.
 */
import { join } from 'node:path';
import { SPANS_PER_SESSION } from './fixtures/session';
import { type ChildResult, FIXTURES, printed, runChild } from './support/child';
import { only, type ReceivedSpan, Receiver } from './support/receiver';

jest.setTimeout(60_000);

const SCRIPT = join(FIXTURES, 'app-with-node-sdk.ts');

let receiver: Receiver;
beforeAll(async () => (receiver = await Receiver.start(['grpc'])));
afterAll(() => receiver.close());

function run(mode: string, env: Record<string, string>): Promise<ChildResult> {
  return runChild(SCRIPT, {
    args: [mode],
    env: {
      APP_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      ...env,
    },
  });
}

/** GET /ask (app) → session_context (ours) → aact ×2 → chat + requirement_validation; app.cache-lookup under ours. */
function expectOneTrace(all: ReceivedSpan[]): void {
  const request = only(all, 'GET /ask');
  const root = only(all, 'session_context');
  expect(new Set(all.map((span) => span.traceId))).toEqual(new Set([request.traceId]));
  expect(request.parentSpanId).toBe('');
  expect(root.parentSpanId).toBe(request.spanId);
  expect(only(all, 'app.cache-lookup').parentSpanId).toBe(root.spanId);
  const acts = all.filter((span) => span.name === 'aact');
  expect(acts.map((act) => act.parentSpanId)).toEqual([root.spanId, root.spanId]);
  for (const act of acts) {
    expect(
      all
        .filter((span) => span.parentSpanId === act.spanId)
        .map((span) => span.name)
        .sort(),
    ).toEqual(['chat', 'requirement_validation']);
  }
}

describe.each(['first', 'after'])('the app starts its NodeSDK %s loading mellea-telemetry', (mode) => {
  it('no registration error; our exporter gets our spans, the app gets its own, all in one trace', async () => {
    const ours = `mellea-coexist-${mode}`;
    const result = await run(mode, {
      MELLEA_TRACE_APPLICATION: 'true',
      MELLEA_TRACE_BACKEND: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: ours,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/duplicate registration/i);
    expect(result.stderr).toBe('');
    expect(printed(result.stdout, 'results')).toEqual(['answer to first', 'answer to second']);

    const mine = await receiver.waitForCount(ours, SPANS_PER_SESSION);
    const app = await receiver.waitForCount(`app-${mode}`, 2);
    expect(mine.map((span) => span.scope).sort()).toEqual(
      [...Array(2).fill('mellea.backend'), ...Array(5).fill('mellea.application')].sort(),
    );
    expect(app.map((span) => span.name).sort()).toEqual(['GET /ask', 'app.cache-lookup']);
    expectOneTrace([...mine, ...app]);
  });
});

describe('configureTelemetry({ tracerProvider }): our spans through the app provider', () => {
  it('every span goes out through the app exporter, in one trace, with no provider of ours', async () => {
    const result = await run('provider', {});
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(printed(result.stdout, 'tracing')).toEqual([true, true]);
    const spans = await receiver.waitForCount('app-provider', SPANS_PER_SESSION + 2);
    expect(spans).toHaveLength(SPANS_PER_SESSION + 2);
    expect(only(spans, 'session_context').scope).toBe('mellea.application');
    expect(spans.filter((span) => span.name === 'chat').map((span) => span.scope)).toEqual([
      'mellea.backend',
      'mellea.backend',
    ]);
    expectOneTrace(spans);
  });
});
