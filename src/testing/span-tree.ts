import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_MELLEA_BACKEND,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_SAMPLING_SUCCESS,
} from '../semconv';

/** A finished span with its children, in start order. */
export interface SpanNode {
  readonly name: string;
  /** The tracer that made it: `mellea.application`, `mellea.backend`, or another library's. */
  readonly scope: string;
  readonly attributes: ReadableSpan['attributes'];
  readonly span: ReadableSpan;
  readonly children: SpanNode[];
}

/**
 * Arranges finished spans as trees by parent link. Spans whose parent is not among `spans` are roots.
 *
 * @example
 * spanTree(tracing.spans).map((root) => root.name); // ['session_context']
 */
export function spanTree(spans: readonly ReadableSpan[]): SpanNode[] {
  const ordered = [...spans].sort((a, b) => compareTime(a.startTime, b.startTime));
  const nodes = new Map<string, SpanNode>();
  for (const span of ordered) {
    nodes.set(span.spanContext().spanId, {
      name: span.name,
      scope: span.instrumentationScope.name,
      attributes: span.attributes,
      span,
      children: [],
    });
  }
  const roots: SpanNode[] = [];
  for (const span of ordered) {
    const node = nodes.get(span.spanContext().spanId)!;
    const parentId = span.parentSpanContext?.spanId;
    const parent = parentId === undefined ? undefined : nodes.get(parentId);
    (parent === undefined ? roots : parent.children).push(node);
  }
  return roots;
}

/** The tree's shape as nested names, handy in assertions: `['session_context', [['aact', ['chat']]]]`. */
export type SpanShape = [string, SpanShape[]] | [string];

/**
 * The trees as nested span names, for `toEqual` assertions.
 *
 * @example
 * expect(spanShape(tracing.tree())).toEqual([['session_context', [['aact', [['chat']]]]]]);
 */
export function spanShape(nodes: readonly SpanNode[]): SpanShape[] {
  return nodes.map((node) => (node.children.length === 0 ? [node.name] : [node.name, spanShape(node.children)]));
}

/** Attributes shown by {@link formatSpanTree} by default, when a span has them. */
export const DEFAULT_TREE_ATTRIBUTES = [
  ATTR_MELLEA_ACTION_TYPE,
  ATTR_MELLEA_BACKEND,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SAMPLING_SUCCESS,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_ERROR_TYPE,
] as const;

/** How {@link formatSpanTree} renders each span. */
export interface SpanTreeFormatOptions {
  /** Attribute keys shown for every span, or a function choosing them per span (e.g. by `node.scope`). */
  attributes?: readonly string[] | ((node: SpanNode) => readonly string[]);
  /** Show each span's duration after its scope (`12.3 ms`). Off by default: durations differ between runs. */
  durations?: boolean;
  /** Show each span's status when it is set: `OK`, or `ERROR` with the status message. Off by default. */
  status?: boolean;
  /**
   * Print attribute values on one line (line breaks become `⏎`), cut to this many characters with `…`.
   * Default: values as they are.
   */
  maxValueLength?: number;
}

/**
 * Renders finished spans as an indented tree like the spec's "Span hierarchy" diagram: each span with its
 * tracer (and, when asked, its duration and status), then the chosen attributes in brackets. Children are in
 * start order.
 *
 * @example
 * formatSpanTree(tracing.spans, {
 *   attributes: (node) => (node.scope === 'mellea.backend' ? ['gen_ai.usage.input_tokens'] : ['mellea.action_type']),
 *   durations: true,
 *   status: true,
 * });
 * // session_context                (mellea.application)  41.2 ms
 * // └── aact                       (mellea.application)  40.8 ms  ERROR: model unreachable
 */
export function formatSpanTree(spans: readonly ReadableSpan[], options: SpanTreeFormatOptions = {}): string {
  return spanTree(spans)
    .map((root) => formatSpanNode(root, options))
    .join('\n');
}

/** One tree (a root from {@link spanTree} and its descendants) as {@link formatSpanTree} prints it. */
export function formatSpanNode(root: SpanNode, options: SpanTreeFormatOptions = {}): string {
  const chosen = options.attributes ?? DEFAULT_TREE_ATTRIBUTES;
  const keysFor = typeof chosen === 'function' ? chosen : () => chosen;
  const lines: string[] = [];
  const visit = (node: SpanNode, prefix: string, last: boolean, isRoot: boolean): void => {
    const branch = isRoot ? '' : last ? '└── ' : '├── ';
    const label = `${prefix}${branch}${node.name}`;
    let line = `${label.padEnd(30)} (${node.scope})`;
    if (options.durations) line += `  ${formatDuration(node.span.duration)}`;
    if (options.status) line += statusText(node.span.status);
    lines.push(line);
    const childPrefix = isRoot ? '' : prefix + (last ? '    ' : '│   ');
    const attributePrefix = childPrefix + (node.children.length > 0 ? '│ ' : '  ');
    for (const key of keysFor(node)) {
      const value = node.attributes[key];
      if (value !== undefined)
        lines.push(`${attributePrefix.padEnd(30)}   [${key}=${formatValue(value, options.maxValueLength)}]`);
    }
    node.children.forEach((child, index) => {
      visit(child, childPrefix, index === node.children.length - 1, false);
    });
  };
  visit(root, '', true, true);
  return lines.join('\n');
}

/** `850 µs`, `12.3 ms`, `4.56 s`: three significant digits, enough to see which call was slow. */
export function formatDuration([seconds, nanos]: readonly [number, number]): string {
  const ms = seconds * 1e3 + nanos / 1e6;
  if (ms < 1) return `${Math.round(ms * 1e3)} µs`;
  if (ms < 1e3) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number((ms / 1e3).toPrecision(3))} s`;
}

function statusText(status: ReadableSpan['status']): string {
  if (status.code === SpanStatusCode.ERROR)
    return status.message ? `  ERROR: ${oneLine(status.message, 120)}` : '  ERROR';
  return status.code === SpanStatusCode.OK ? '  OK' : '';
}

function formatValue(value: unknown, maxLength: number | undefined): string {
  const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
  return maxLength === undefined ? text : oneLine(text, maxLength);
}

function oneLine(text: string, maxLength: number): string {
  const flat = text.replace(/\r?\n/g, '⏎');
  const points = [...flat];
  return points.length <= maxLength ? flat : `${points.slice(0, Math.max(0, maxLength - 1)).join('')}…`;
}

function compareTime(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}
