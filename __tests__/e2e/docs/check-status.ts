import {
  getTelemetryConfig,
  getTelemetryExportStats,
  isApplicationTracingEnabled,
  isBackendTracingEnabled,
} from '../../../src'; // in your project: from 'mellea-telemetry'

console.log(`Application tracing: ${isApplicationTracingEnabled()}`);
console.log(`Backend tracing:     ${isBackendTracingEnabled()}`);

const { otlpEndpoint, otlpProtocol, serviceName } = getTelemetryConfig();
console.log(`OTLP export:         ${otlpEndpoint ?? 'off'} (${otlpProtocol}) as ${serviceName}`);

// exported / failed (collector unreachable) / dropped (queue full) / queued right now
console.log(`Export counts:       ${JSON.stringify(getTelemetryExportStats())}`);
