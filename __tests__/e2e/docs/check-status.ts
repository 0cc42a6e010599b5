import {
  getTelemetryConfig,
  getTelemetryExportStats,
  isApplicationTracingEnabled,
  isBackendTracingEnabled,
} from 'mellea-telemetry';

console.log(`Application tracing: ${isApplicationTracingEnabled()}`);
console.log(`Backend tracing:     ${isBackendTracingEnabled()}`);

const { otlpEndpoint, otlpProtocol, serviceName } = getTelemetryConfig();
console.log(`OTLP export:         ${otlpEndpoint ?? 'off'} (${otlpProtocol}) as ${serviceName}`);

// exported / failed (collector unreachable) / dropped (queue full) / queued and in flight right now
console.log(`Export counts:       ${JSON.stringify(getTelemetryExportStats())}`);
