import * as api from 'mellea-telemetry';
import * as testing from 'mellea-telemetry/testing';

describe('package surface', () => {
  it('the tracer version equals the package version', () => {
    expect(api.VERSION).toBe(require('../../package.json').version);
  });

  it('exports the decorators, lifecycle functions and testing helpers', () => {
    for (const name of [
      'traceApplication',
      'traceBackend',
      'generative',
      'backendInfo',
      'traceMethods',
      'reloadTelemetryConfig',
      'isApplicationTracingEnabled',
      'isBackendTracingEnabled',
      'forceFlushTelemetry',
      'shutdownTelemetry',
    ] as const) {
      expect(typeof api[name]).toBe('function');
    }
    expect(typeof testing.createTestTracing).toBe('function');
    expect(typeof testing.formatSpanTree).toBe('function');
  });
});
