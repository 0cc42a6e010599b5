/**
 * The exit deadline, in child processes exporting to real OTLP/gRPC receivers that misbehave: one answers each
 * export after 3 s, one never answers. Whatever the queue size (OTEL_BSP_MAX_QUEUE_SIZE=8192) or export timeout
 * (OTEL_EXPORTER_OTLP_TIMEOUT=30000), a finished program exits within MELLEA_TRACE_FLUSH_TIMEOUT (+1 s of process
 * teardown) of the end of its work, and says in ONE line how many spans were not delivered. SIGTERM with an export
 * in flight: that line is printed before the signal kills the process.
 */
import { join } from 'node:path';
import { FIXTURES, printed, startChild, telemetryWarnings } from './support/child';
import { type FaultReceiver, faultReceiver } from './support/fault-receiver';

jest.setTimeout(60_000);

const SCRIPT = join(FIXTURES, 'exit-deadline.ts');
const FLUSH_TIMEOUT_MS = 1500;
const SESSIONS = 500; // 3,500 spans: several batches, far from the queue limit
const SETTINGS = {
  MELLEA_TRACE_APPLICATION: 'true',
  MELLEA_TRACE_BACKEND: 'true',
  MELLEA_TRACE_FLUSH_TIMEOUT: String(FLUSH_TIMEOUT_MS),
  OTEL_BSP_MAX_QUEUE_SIZE: '8192',
  OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
};
const NOT_DELIVERED =
  /(\d+) span\(s\) were not delivered to http:\/\/127\.0\.0\.1:\d+ \((\d+) failed, (\d+) dropped, (\d+) unsent/;

/** Runs the fixture to its end; returns ms from `work-done` to the process exit, and the warnings it printed. */
async function runToExit(receiver: FaultReceiver, serviceName: string, flushTimeoutMs = FLUSH_TIMEOUT_MS) {
  const child = startChild(SCRIPT, {
    args: ['end', String(SESSIONS)],
    env: {
      ...SETTINGS,
      MELLEA_TRACE_FLUSH_TIMEOUT: String(flushTimeoutMs),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: serviceName,
    },
  });
  const result = await child.exited;
  const exitedAt = Date.now();
  const workDone = printed<number>(result.stdout, 'work-done');
  return { result, afterWorkMs: exitedAt - workDone, warnings: telemetryWarnings(result.stderr) };
}

describe.each([
  ['answers each export after 3 s', 3000 as const],
  ['never answers (hung)', 'never' as const],
])('a collector that %s', (_label, delay) => {
  let receiver: FaultReceiver;
  beforeAll(async () => (receiver = await faultReceiver(delay)));
  afterAll(() => receiver.close());

  it('a finished script exits within the flush timeout + 1 s, with ONE line counting what was not delivered', async () => {
    const { result, afterWorkMs, warnings } = await runToExit(receiver, `deadline-${delay}`);
    expect(result).toMatchObject({ code: 0, signal: null });
    console.log(`exit after work (${delay}): ${afterWorkMs} ms; ${warnings.join(' | ')}`);
    expect(afterWorkMs).toBeLessThanOrEqual(FLUSH_TIMEOUT_MS + 1000);
    expect(warnings).toHaveLength(1);
    const [, lost, failed, dropped, unsent] = NOT_DELIVERED.exec(warnings[0]!)!.map(Number);
    expect(dropped).toBe(0);
    expect(failed! + unsent!).toBe(lost);
    // Some spans did reach the receiver (it decodes before it stalls), none was reported delivered that was not.
    expect(receiver.requests()).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    expect(warnings[0]).toContain(`stopped at its ${FLUSH_TIMEOUT_MS} ms bound`);
  });
});

describe('a collector that answers after 3 s, with a flush bound that lets one export through', () => {
  let receiver: FaultReceiver;
  beforeAll(async () => (receiver = await faultReceiver(3000)));
  afterAll(() => receiver.close());

  it('the line counts the delivered batch as delivered and the rest as not, and the exit still keeps the bound', async () => {
    const { result, afterWorkMs, warnings } = await runToExit(receiver, 'deadline-partial', 4500);
    console.log(`exit after work (3000, bound 4500): ${afterWorkMs} ms; ${warnings.join(' | ')}`);
    expect(result.code).toBe(0);
    expect(afterWorkMs).toBeLessThanOrEqual(4500 + 1000);
    expect(warnings).toHaveLength(1);
    const delivered = Number(/; (\d+) delivered/.exec(warnings[0]!)![1]);
    const [, lost] = NOT_DELIVERED.exec(warnings[0]!)!.map(Number);
    expect(delivered).toBeGreaterThan(0);
    expect(delivered + lost!).toBe(SESSIONS * 7);
  });
});

describe('SIGTERM with an export in flight to a hung collector', () => {
  let receiver: FaultReceiver;
  beforeAll(async () => (receiver = await faultReceiver('never')));
  afterAll(() => receiver.close());

  it('the not-delivered line is printed before the re-raised signal kills the process, within the bound', async () => {
    const child = startChild(SCRIPT, {
      args: ['in-flight', '100'],
      env: { ...SETTINGS, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'deadline-sigterm' },
    });
    await child.waitForLine(/^ready$/);
    const killedAt = Date.now();
    child.process.kill('SIGTERM');
    const result = await child.exited;
    const tookMs = Date.now() - killedAt;
    console.log(`SIGTERM to death: ${tookMs} ms; ${telemetryWarnings(result.stderr).join(' | ')}`);
    expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
    const warnings = telemetryWarnings(result.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(NOT_DELIVERED);
    expect(tookMs).toBeLessThanOrEqual(FLUSH_TIMEOUT_MS + 1000);
  });
});
