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

/**
 * Renders finished spans as an indented tree like the spec's "Span hierarchy" diagram: each span with its
 * tracer, then the chosen attributes in brackets. `attributes` is a list of keys for every span, or a function
 * choosing the keys per span (e.g. by `node.scope`).
 *
 * @example
 * formatSpanTree(tracing.spans, {
 *   attributes: (node) => (node.scope === 'mellea.backend' ? ['gen_ai.usage.input_tokens'] : ['mellea.action_type']),
 * });
 */
export function formatSpanTree(
  spans: readonly ReadableSpan[],
  options: { attributes?: readonly string[] | ((node: SpanNode) => readonly string[]) } = {},
): string {
  const chosen = options.attributes ?? DEFAULT_TREE_ATTRIBUTES;
  const keysFor = typeof chosen === 'function' ? chosen : () => chosen;
  const lines: string[] = [];
  const visit = (node: SpanNode, prefix: string, last: boolean, root: boolean): void => {
    const branch = root ? '' : last ? '└── ' : '├── ';
    const label = `${prefix}${branch}${node.name}`;
    lines.push(`${label.padEnd(30)} (${node.scope})`);
    const childPrefix = root ? '' : prefix + (last ? '    ' : '│   ');
    const attributePrefix = childPrefix + (node.children.length > 0 ? '│ ' : '  ');
    for (const key of keysFor(node)) {
      const value = node.attributes[key];
      if (value !== undefined) lines.push(`${attributePrefix.padEnd(30)}   [${key}=${formatValue(value)}]`);
    }
    node.children.forEach((child, index) => {
      visit(child, childPrefix, index === node.children.length - 1, false);
    });
  };
  for (const root of spanTree(spans)) visit(root, '', true, true);
  return lines.join('\n');
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

function compareTime(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}
