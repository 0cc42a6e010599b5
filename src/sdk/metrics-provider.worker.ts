/**
 * The worker build's metrics provider (`workerd` / `worker` export condition): none. The metric SDK's exporters
 * need Node networking (gRPC, an HTTP server for Prometheus), which a Worker does not have; an application there
 * passes its own `MeterProvider` (`configureTelemetry({ metrics: true, meterProvider })`). Same API as
 * metrics-provider.ts, so the rest of the package is unchanged.
 */
import type { TelemetryConfig } from '../config';
import { warnOnce } from '../warnings';
import type { MetricsRuntime } from './metrics-provider';

export type { MetricsRuntime } from './metrics-provider';

/** Always undefined in a Worker, with one warning. */
export function createMetricsRuntime(_config: TelemetryConfig): MetricsRuntime | undefined {
  warnOnce(
    'metrics:worker',
    'metrics are enabled but the worker build has no metric exporters (they need Node networking); ' +
      'pass your own provider: configureTelemetry({ metrics: true, meterProvider }).',
  );
  return undefined;
}
