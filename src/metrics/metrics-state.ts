/**
 * Whether metrics are on: the recorder holding the instruments, or undefined. One property read is the whole
 * cost of metrics being off. Shared by the CommonJS and ESM builds, like the tracing state.
 */
import type { MetricsRecorder } from './recorder';

export interface MetricsState {
  recorder: MetricsRecorder | undefined;
}

const METRICS_KEY = Symbol.for('mellea-telemetry.metrics.v1');
const holder = globalThis as { [METRICS_KEY]?: MetricsState };
export const metrics: MetricsState = (holder[METRICS_KEY] ??= { recorder: undefined });
