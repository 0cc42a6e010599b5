import { configureTelemetry, getTelemetryConfig, isApplicationTracingEnabled } from 'mellea-telemetry';

describe('configuration in code', () => {
  afterAll(() => configureTelemetry({})); // back to the environment alone

  it('options take precedence over the environment', () => {
    process.env['OTEL_SERVICE_NAME'] = 'from-the-environment';
    try {
      configureTelemetry({
        application: true,
        backend: true,
        serviceName: 'answer-service', // wins over OTEL_SERVICE_NAME
        resourceAttributes: { 'deployment.environment': 'staging' }, // merged over OTEL_RESOURCE_ATTRIBUTES
        otlpEndpoint: 'http://collector:4317', // the full URL, used as is
        otlpHeaders: { 'x-api-key': 'YOUR_API_KEY' }, // never printed
        sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
        batch: { maxQueueSize: 8192 }, // the other batch settings still come from OTEL_BSP_*
        flushTimeoutMs: 2000,
      });
    } finally {
      delete process.env['OTEL_SERVICE_NAME'];
    }
    expect(isApplicationTracingEnabled()).toBe(true);
    expect(getTelemetryConfig()).toMatchObject({
      serviceName: 'answer-service',
      otlpEndpoint: 'http://collector:4317',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
      batch: { maxQueueSize: 8192, maxExportBatchSize: 512 },
    });
    expect(JSON.stringify(getTelemetryConfig().otlpHeaders)).toBe('{"x-api-key":"[redacted]"}');
  });

  it('an invalid option is a programming error: it throws, naming the option', () => {
    expect(() => configureTelemetry({ otlpTimeoutMs: -1 })).toThrow(
      'configureTelemetry option "otlpTimeoutMs" must be a whole number of ms from 1 to 2147483647; got -1.',
    );
  });
});
