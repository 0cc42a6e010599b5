// W3C trace context on the backends' HTTP requests: with or without a global propagator, sampled out, and
// with the backend scope off (the application span is then the parent the server sees).
import { context, propagation, ROOT_CONTEXT, type TextMapPropagator, trace } from '@opentelemetry/api';
import { CompositePropagator, TraceState, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { traceApplication, traceMethods } from 'mellea-telemetry';
import { createTestTracing, type TestTracing } from 'mellea-telemetry/testing';
import { OllamaModelBackend } from '../../runtime/backends/ollama';
import { History, UserMessage } from './fixtures';
import { sendJson, traceparentOf, useWireServer } from './wire-server';

const answer = {
  model: 'granite4.1:3b',
  created_at: '2026-11-28T03:10:43Z',
  message: { role: 'assistant', content: 'ok' },
  done: true,
  done_reason: 'stop',
  prompt_eval_count: 3,
  eval_count: 1,
};

const server = useWireServer((_, res) => sendJson(res, 200, answer));

const backend = () => new OllamaModelBackend({ modelId: 'granite4.1:3b', baseURL: server.url, timeoutMs: 2000 });
const call = () => backend().generateFromContext(new UserMessage('x'), new History());

function withTracing(
  options: Parameters<typeof createTestTracing>[0],
  body: (tracing: () => TestTracing) => void,
): void {
  let tracing: TestTracing;
  beforeAll(() => {
    tracing = createTestTracing(options);
  });
  afterAll(() => tracing.shutdown());
  body(() => tracing);
}

describe('without a global propagator', () => {
  withTracing({}, (tracing) => {
    it('sends the W3C traceparent of the chat span (no tracestate when there is none)', async () => {
      await call();
      const { headers } = server.requests[0]!;
      expect(headers['traceparent']).toBe(traceparentOf(tracing().span('chat')));
      expect(headers['tracestate']).toBeUndefined();
    });

    it('parallel calls each send their own chat span as the parent', async () => {
      server.handle((_, res) => void setTimeout(() => sendJson(res, 200, answer), 20));
      await Promise.all([call(), call(), call()]);
      const sent = server.requests.map((request) => request.headers['traceparent']).sort();
      expect(new Set(sent).size).toBe(3);
      expect(sent).toEqual(tracing().spansNamed('chat').slice(-3).map(traceparentOf).sort());
    });

    it('continues an incoming trace: same trace id, its tracestate forwarded', async () => {
      const remote = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
        isRemote: true,
        traceState: new TraceState('vendor=abc,other=1'),
      });
      await context.with(remote, call);
      const span = tracing().spansNamed('chat').at(-1)!;
      expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      const { headers } = server.requests[0]!;
      expect(headers['traceparent']).toBe(traceparentOf(span));
      expect(headers['tracestate']).toBe('vendor=abc,other=1');
    });
  });
});

describe('with a global propagator', () => {
  afterEach(() => propagation.disable());

  withTracing({}, (tracing) => {
    it('uses it, so baggage travels along with traceparent', async () => {
      propagation.setGlobalPropagator(
        new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
      );
      const baggage = propagation.createBaggage({ tenant: { value: 'acme' } });
      await context.with(propagation.setBaggage(context.active(), baggage), call);
      const { headers } = server.requests[0]!;
      expect(headers['traceparent']).toBe(traceparentOf(tracing().spansNamed('chat').at(-1)!));
      expect(headers['baggage']).toBe('tenant=acme');
    });

    it('adds traceparent when the global propagator writes none (e.g. a B3-only setup)', async () => {
      const custom: TextMapPropagator = {
        inject: (ctx, carrier, setter) =>
          setter.set(carrier, 'x-custom-trace', trace.getSpanContext(ctx)?.traceId ?? 'none'),
        extract: (ctx) => ctx,
        fields: () => ['x-custom-trace'],
      };
      propagation.setGlobalPropagator(custom);
      await call();
      const span = tracing().spansNamed('chat').at(-1)!;
      const { headers } = server.requests[0]!;
      expect(headers['x-custom-trace']).toBe(span.spanContext().traceId);
      expect(headers['traceparent']).toBe(traceparentOf(span));
    });
  });
});

describe('sampled out', () => {
  withTracing({ sampler: new AlwaysOffSampler() }, (tracing) => {
    it('still propagates the trace id with the not-sampled flag; no span is exported', async () => {
      await call();
      expect(server.requests[0]!.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(tracing().spans).toHaveLength(0);
    });
  });
});

describe('backend scope off', () => {
  withTracing({ backend: false }, (tracing) => {
    class Session {
      readonly backend = backend();
      async act(action: UserMessage) {
        return this.backend.generateFromContext(action, new History());
      }
    }
    traceMethods(Session, { act: traceApplication('aact') });

    it('the active application span is the parent the server sees', async () => {
      await new Session().act(new UserMessage('x'));
      expect(tracing().spansNamed('chat')).toHaveLength(0);
      expect(server.requests[0]!.headers['traceparent']).toBe(traceparentOf(tracing().span('aact')));
    });

    it('outside any span no traceparent is sent', async () => {
      await call();
      expect(server.requests[0]!.headers['traceparent']).toBeUndefined();
    });
  });
});
