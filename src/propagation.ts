/**
 * Trace-context propagation for outgoing requests: the backend span becomes the parent the model server sees.
 * API-only, so an application that installed just `@opentelemetry/api` can use it.
 */
import { context, defaultTextMapSetter, isSpanContextValid, propagation, trace } from '@opentelemetry/api';

/**
 * Adds `traceparent` (and `tracestate`) for the active context to `headers`: through the global propagator
 * when the application registered one (so baggage or B3 go along), and with the W3C propagator directly when
 * none is registered or it wrote no `traceparent`. Called inside the traced method, so the backend span is the
 * parent the model server sees.
 *
 * @example
 * const headers: Record<string, string> = { 'content-type': 'application/json' };
 * injectTraceContext(headers); // headers.traceparent = '00-<trace id>-<span id>-01' inside a traced call
 * await fetch(url, { method: 'POST', headers, body });
 */
export function injectTraceContext(headers: Record<string, string>): void {
  const active = context.active();
  if (propagation.fields().length > 0) propagation.inject(active, headers, defaultTextMapSetter);
  if (headers['traceparent'] === undefined) injectW3CTraceContext(active, headers);
}

/**
 * The W3C Trace Context headers for the active span, written by hand so that the backends need only
 * `@opentelemetry/api` (an app that installed just the API must be able to import this package).
 */
function injectW3CTraceContext(active: ReturnType<typeof context.active>, headers: Record<string, string>): void {
  const spanContext = trace.getSpanContext(active);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  headers['traceparent'] = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
  const traceState = spanContext.traceState?.serialize();
  if (traceState) headers['tracestate'] = traceState;
}
