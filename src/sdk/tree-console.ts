/**
 * `MELLEA_TRACE_CONSOLE=tree`: each trace printed once, as the spec's span-hierarchy diagram with durations and
 * status, when its local root ends. Spans are held per trace until then, so concurrent traces never interleave
 * in the output and children are printed under their parents (OpenTelemetry's console exporter prints each span
 * as it ends: children first, traces mixed).
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  APPLICATION_TRACER_NAME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_RESPONSE,
  ATTR_SAMPLING_SUCCESS,
} from '../semconv';
import { formatSpanNode, type SpanNode, type SpanTreeFormatOptions, spanTree } from '../testing/span-tree';

/** What the console tree shows of an application span, when it has them. */
const APPLICATION_KEYS = [
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_SAMPLING_SUCCESS,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_ERROR_TYPE,
  ATTR_RESPONSE,
] as const;

/** What it shows of a backend (or any other) span: the model, the tokens, why it stopped. */
const BACKEND_KEYS = [
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_ERROR_TYPE,
  ATTR_RESPONSE,
] as const;

/** The key attributes of `node`: by scope, and the response model only where it differs from the requested one. */
export function treeConsoleAttributes(node: SpanNode): readonly string[] {
  if (node.scope === APPLICATION_TRACER_NAME) return APPLICATION_KEYS;
  const sameModel = node.attributes[ATTR_GEN_AI_RESPONSE_MODEL] === node.attributes[ATTR_GEN_AI_REQUEST_MODEL];
  return sameModel ? BACKEND_KEYS.filter((key) => key !== ATTR_GEN_AI_RESPONSE_MODEL) : BACKEND_KEYS;
}

const FORMAT: SpanTreeFormatOptions = {
  attributes: treeConsoleAttributes,
  durations: true,
  status: true,
  maxValueLength: 100,
};

/** Spans held for traces whose root has not ended yet; beyond this the oldest trace is printed as it stands. */
const MAX_HELD_SPANS = 10_000;

/** Prints finished traces as span trees; `write` defaults to stdout. */
export class TreeConsoleProcessor implements SpanProcessor {
  /** Finished spans per trace id, in end order; a Map keeps the traces in order of their first finished span. */
  private readonly pending = new Map<string, ReadableSpan[]>();
  private held = 0;

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    let spans = this.pending.get(traceId);
    if (spans === undefined) this.pending.set(traceId, (spans = []));
    spans.push(span);
    this.held += 1;
    // A local root: no parent, or a parent in another process (a propagated `traceparent`).
    const parent = span.parentSpanContext;
    if (parent === undefined || parent.isRemote === true) this.print(traceId);
    else if (this.held > MAX_HELD_SPANS) this.print(this.pending.keys().next().value!);
  }

  /** Prints the traces whose root has not ended (a root that is still open, or children that outlived it). */
  forceFlush(): Promise<void> {
    for (const traceId of [...this.pending.keys()]) this.print(traceId);
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  private print(traceId: string): void {
    const spans = this.pending.get(traceId);
    if (spans === undefined) return;
    this.pending.delete(traceId);
    this.held -= spans.length;
    try {
      const trees = spanTree(spans).map((root) => formatSpanNode(root, FORMAT));
      this.write(`trace ${traceId}\n${trees.join('\n')}\n\n`);
    } catch {
      // A closed stdout (EPIPE) must not reach the span's caller; the trace is simply not printed.
    }
  }
}
