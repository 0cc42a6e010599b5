// The shell snippets of docs/tracing.md "Looking at traces locally", run as shown with bash from the repository
// root; only the trace file and the page are redirected to a temp folder.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkTracesDataLine, ROOT } from './support';

const docs = join(__dirname, 'docs');

/** Runs a snippet from the repository root with the trace file redirected to `dir` (the snippet's own names). */
async function runSnippet(name: string, dir: string): Promise<string> {
  const script = readFileSync(join(docs, name), 'utf8')
    .replace('MELLEA_TRACE_FILE=traces.jsonl', `MELLEA_TRACE_FILE=${join(dir, 'traces.jsonl')}`)
    .replace('view traces.jsonl', `view ${join(dir, 'traces.jsonl')} --out ${join(dir, 'traces.html')}`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(MELLEA_|OTEL_)/.test(key)));
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: ROOT,
    env,
    timeout: 90_000,
  });
  return stdout;
}

describe('docs/tracing.md: looking at traces locally', () => {
  it('look-locally.sh writes the trace file and the page (npx mellea-telemetry is the built bin)', async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli.js')))
      throw new Error('dist/cli.js is missing: run `npm run build` first (CI builds before `npm test`)');
    const dir = mkdtempSync(join(tmpdir(), 'mellea-docs-view-'));
    const stdout = await runSnippet('look-locally.sh', dir);
    expect(stdout).toContain(`Wrote ${join(dir, 'traces.html')}: 1 trace(s), 18 span(s)`);
    for (const line of readFileSync(join(dir, 'traces.jsonl'), 'utf8').trim().split('\n'))
      expect(checkTracesDataLine(line)).toEqual([]);
    expect(readFileSync(join(dir, 'traces.html'), 'utf8')).toContain('"rootName":"session_context"');
  }, 120_000);

  it('tree-console.sh prints the trace as a tree with durations', async () => {
    const stdout = await runSnippet('tree-console.sh', mkdtempSync(join(tmpdir(), 'mellea-docs-tree-')));
    expect(stdout).toMatch(/^trace [0-9a-f]{32}\nsession_context +\(mellea\.application\) {2}\d/m);
    expect(stdout.match(/^trace [0-9a-f]{32}$/gm)).toHaveLength(1);
  }, 120_000);
});
