// `npm run example` with MELLEA_METRICS_ENABLED=true MELLEA_METRICS_CONSOLE=true: the metrics are printed after
// the span tree (the console reader exports them when the example shuts telemetry down).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(60_000);

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

it('prints the metrics after the span tree', async () => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(MELLEA_|OTEL_|OPENAI_)/.test(key)) env[key] = value;
  const { stdout } = await promisify(execFile)(tsx, ['docs/examples/telemetry/telemetry_example.ts'], {
    cwd: root,
    env: { ...env, MELLEA_METRICS_ENABLED: 'true', MELLEA_METRICS_CONSOLE: 'true' },
    timeout: 45_000,
  });
  const tree = stdout.indexOf('Span tree:');
  const metrics = stdout.indexOf('Metrics (meter mellea.metrics):');
  expect(tree).toBeGreaterThan(0);
  expect(metrics).toBeGreaterThan(tree);
  const printed = stdout.slice(metrics);
  for (const name of [
    'gen_ai.client.token.usage',
    'gen_ai.client.operation.duration',
    'mellea.sampling.attempts',
    'mellea.sampling.successes',
    'mellea.requirement.checks',
    'mellea.requirement.failures',
  ]) {
    expect(printed).toContain(`name: '${name}'`);
  }
  // The scripted run's eight backend calls (2 generations + 2 judge calls, 2 @generative, 2 chats): one data point.
  expect(printed).toMatch(/name: 'gen_ai\.client\.operation\.duration'[\s\S]*?count: 8\b/);
});
