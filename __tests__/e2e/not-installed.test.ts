/**
 * "Not installed", for real: the package is built, then run by plain node from a temporary folder whose
 * node_modules holds only what the decorators need (@opentelemetry/api, semantic-conventions, reflect-metadata)
 * — no SDK, no exporter, no context manager. Tracing switched on must cost one warning and nothing else.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES, printed, REPO_ROOT, runChild, telemetryWarnings } from './support/child';

jest.setTimeout(60_000);

const API_ONLY = ['@opentelemetry/api', '@opentelemetry/semantic-conventions', 'reflect-metadata'];
let app: string;

/** node_modules folders above `dir`, which Node would also search (they would make the test meaningless). */
function ancestorNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let current = dirname(dir); current !== parse(current).root; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) found.push(join(current, 'node_modules'));
  }
  return found;
}

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'mellea-api-only-'));
  expect(ancestorNodeModules(app)).toEqual([]);
  const installed = join(app, 'node_modules', 'mellea-telemetry');
  // The CommonJS build of the package (the same entry tsup builds for dist/), into the temporary install.
  await promisify(execFile)(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsup'),
    ['src/index.ts', '--no-config', '--format', 'cjs', '--target', 'node20', '--out-dir', join(installed, 'dist')],
    { cwd: REPO_ROOT },
  );
  writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'mellea-telemetry', main: 'dist/index.js' }));
  for (const name of API_ONLY) {
    mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  }
  copyFileSync(join(FIXTURES, 'api-only-app.cjs'), join(app, 'app.cjs'));
});

afterAll(() => rmSync(app, { recursive: true, force: true }));

interface Report {
  results: string[];
  tracing: [boolean, boolean];
  sdkResolvable: boolean;
  sdkModulesLoaded: string[];
  warnings: string[];
}

describe('only @opentelemetry/api installed', () => {
  it('tracing on: results unchanged, everything a no-op, exactly ONE warning naming the packages to install', async () => {
    const result = await runChild(join(app, 'app.cjs'), {
      cwd: app,
      env: {
        MELLEA_TRACE_APPLICATION: 'true',
        MELLEA_TRACE_BACKEND: 'true',
        MELLEA_TRACE_CONSOLE: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317',
      },
    });
    expect([result.code, result.stderr.slice(0, 2000)]).toEqual([0, expect.any(String)]);
    const report = printed<Report>(result.stdout, 'report');
    expect(report.sdkResolvable).toBe(false);
    expect(report.results).toEqual(['answer to hi', 'answer to again']);
    expect(report.tracing).toEqual([false, false]);
    expect(report.sdkModulesLoaded).toEqual([]);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toContain(
      'npm install @opentelemetry/sdk-trace-base @opentelemetry/resources @opentelemetry/exporter-trace-otlp-grpc @opentelemetry/context-async-hooks',
    );
    expect(telemetryWarnings(result.stderr)).toHaveLength(1);
    // No console spans either: the console exporter is part of the SDK.
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('tracing off: not a single warning', async () => {
    const result = await runChild(join(app, 'app.cjs'), { cwd: app });
    expect([result.code, result.stderr.slice(0, 2000)]).toEqual([0, expect.any(String)]);
    expect(printed<Report>(result.stdout, 'report')).toMatchObject({
      results: ['answer to hi', 'answer to again'],
      warnings: [],
    });
    expect(result.stderr).toBe('');
  });
});
