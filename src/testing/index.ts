/** `mellea-telemetry/testing`: helpers to unit-test instrumented classes. Re-exports only (plus reading the config at load). */
import { initTelemetry } from '../telemetry';

initTelemetry();

export { createTestTracing, type TestTracing, type TestTracingOptions } from './test-tracing';
export { spanTree, spanShape, formatSpanTree, DEFAULT_TREE_ATTRIBUTES, type SpanNode, type SpanShape } from './span-tree';
