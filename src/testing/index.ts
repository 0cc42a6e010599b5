/** `mellea-telemetry/testing`: helpers to unit-test instrumented classes. Re-exports only (plus reading the config at load). */
import { initTelemetry } from '../lifecycle';

initTelemetry();

export {
  DEFAULT_TREE_ATTRIBUTES,
  formatDuration,
  formatSpanNode,
  formatSpanTree,
  type SpanNode,
  type SpanShape,
  type SpanTreeFormatOptions,
  spanShape,
  spanTree,
} from './span-tree';
export type { MetricPoint } from './test-metrics';
export { createTestTracing, type TestTracing, type TestTracingOptions } from './test-tracing';
