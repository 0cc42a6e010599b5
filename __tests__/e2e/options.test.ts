/**
 * Configuration in code against a real OTLP receiver (loopback, port 0): the options of `configureTelemetry()`
 * reach the exporter and the resource, over an environment that says otherwise; and the credential rules of the
 * config hold on the wire (a bad header is left out, the others and the export stay on; userinfo/query are not
 * shown but the exporter still uses the full URL).
 */
import {
  configureTelemetry,
  forceFlushTelemetry,
  getTelemetryConfig,
  getTelemetryExportStats,
  reloadTelemetryConfig,
  shutdownTelemetry,
} from 'mellea-telemetry';
import { captureWarnings } from '../support/warnings';
import { runSession, SPANS_PER_SESSION } from './fixtures/session';
import { Receiver } from './support/receiver';

jest.setTimeout(30_000);
const warnings = captureWarnings();
let receiver: Receiver;
beforeAll(async () => (receiver = await Receiver.start(['grpc', 'http'])));
afterAll(() => receiver.close());
afterEach(async () => {
  await shutdownTelemetry(1000);
  configureTelemetry({});
  reloadTelemetryConfig({});
});

const envKeys = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const;
/** Sets process.env for one test (the OTLP exporters read it too, so a test of the env must set the real one). */
function withProcessEnv(env: Partial<Record<(typeof envKeys)[number], string>>): void {
  for (const key of envKeys) delete process.env[key];
  Object.assign(process.env, env);
}
afterEach(() => {
  for (const key of envKeys) delete process.env[key];
});

it('options win over the environment: endpoint, protocol, service, resource, headers reach the receiver', async () => {
  withProcessEnv({ OTEL_SERVICE_NAME: 'from-env', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  configureTelemetry({
    application: true,
    backend: true,
    flushOnExit: false,
    serviceName: 'options-e2e',
    otlpEndpoint: receiver.grpcEndpoint,
    resourceAttributes: { 'deployment.environment': 'staging' },
    otlpHeaders: { 'x-api-key': 'opt-key' },
    batch: { scheduledDelayMillis: 50 },
  });
  expect(await runSession()).toEqual(['answer to write 1', 'answer to write 2']);
  await forceFlushTelemetry();
  const spans = await receiver.waitForCount('options-e2e', SPANS_PER_SESSION);
  expect(spans[0]!.resource).toMatchObject({ 'deployment.environment': 'staging', 'service.name': 'options-e2e' });
  expect(receiver.headers.some((headers) => headers['x-api-key'] === 'opt-key')).toBe(true);
  expect(getTelemetryExportStats()).toMatchObject({ exported: SPANS_PER_SESSION, failed: 0 });
});

// The config leaves the bad header out (settings.test.ts checks that), and the package's own OTLP transport
// (src/sdk/otlp-transport.ts) sends only the config's headers: it never reads OTEL_EXPORTER_OTLP_HEADERS itself, as
// the official exporters did (grpc-js then threw, quoting the value, and OTLP export was off).
it('an OTEL_EXPORTER_OTLP_HEADERS value with a line break: that header left out, the others sent, export on', async () => {
  withProcessEnv({ OTEL_EXPORTER_OTLP_HEADERS: 'x-bad=line%0Abreak-s3cr3t,x-good=fine' });
  const before = receiver.headers.length;
  configureTelemetry({
    application: true,
    backend: true,
    flushOnExit: false,
    serviceName: 'bad-header-e2e',
    otlpEndpoint: receiver.grpcEndpoint,
  });
  await runSession();
  await forceFlushTelemetry();
  await receiver.waitForCount('bad-header-e2e', SPANS_PER_SESSION, 3000);
  const sent = receiver.headers.slice(before);
  expect(sent.some((headers) => headers['x-good'] === 'fine')).toBe(true);
  expect(sent.some((headers) => 'x-bad' in headers)).toBe(false);
  expect(warnings.join('\n')).toContain('header "x-bad"');
  expect(warnings.join('\n')).not.toContain('s3cr3t');
});

it('an endpoint with userinfo: shown without it, and the exporter still reaches the receiver', async () => {
  const endpoint = receiver.grpcEndpoint.replace('http://', 'http://admin:s3cr3t@');
  configureTelemetry({
    application: true,
    backend: true,
    flushOnExit: false,
    serviceName: 'userinfo-e2e',
    otlpEndpoint: endpoint,
  });
  expect(getTelemetryConfig().otlpEndpoint).toBe(receiver.grpcEndpoint);
  expect(JSON.stringify(getTelemetryConfig())).not.toContain('s3cr3t');
  await runSession();
  await forceFlushTelemetry();
  expect(await receiver.waitForCount('userinfo-e2e', SPANS_PER_SESSION)).toHaveLength(SPANS_PER_SESSION);
  expect(warnings.join('\n')).not.toContain('s3cr3t');
});
