/**
 * Outages of a real OTLP receiver (in this process, gRPC): one warning per outage — however many exports fail
 * during it — and again for the next outage after a recovery; the final counts stay readable after shutdown.
 */
import { forceFlushTelemetry, getTelemetryExportStats, reloadTelemetryConfig, shutdownTelemetry } from '../../src';
import { captureWarnings } from '../support/warnings';
import { runSession, SPANS_PER_SESSION } from './fixtures/session';
import { closedPort, Receiver, traced } from './support/receiver';

jest.setTimeout(30_000);
const warnings = captureWarnings();
afterEach(async () => {
  await shutdownTelemetry(1000);
  reloadTelemetryConfig({});
});

const outageWarnings = (): string[] => warnings.filter((warning) => warning.startsWith('could not export'));

it('a repeated outage warns twice: once per outage, never once per failed export', async () => {
  const port = await closedPort();
  traced({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'e2e-outage' });
  const round = async (label: string): Promise<void> => {
    await runSession(label);
    await forceFlushTelemetry();
  };
  // Outage 1: three failed exports, one warning.
  for (const label of ['down 1', 'down 2', 'down 3']) await round(label);
  expect(outageWarnings()).toHaveLength(1);
  // Recovery: the collector comes up on the same port and receives the next spans.
  const receiver = await Receiver.start(['grpc'], { grpc: port });
  try {
    await round('up');
    await receiver.waitForCount('e2e-outage', SPANS_PER_SESSION);
  } finally {
    await receiver.close();
  }
  expect(outageWarnings()).toHaveLength(1);
  // Outage 2: warned again, once.
  for (const label of ['down 4', 'down 5']) await round(label);
  expect(outageWarnings()).toHaveLength(2);
  expect(outageWarnings()[1]).toContain(`http://127.0.0.1:${port}`);

  await shutdownTelemetry();
  // The final counts of the stopped pipeline stay readable.
  expect(getTelemetryExportStats()).toEqual({
    exported: SPANS_PER_SESSION,
    failed: 5 * SPANS_PER_SESSION,
    dropped: 0,
    queued: 0,
    inFlight: 0,
  });
});
