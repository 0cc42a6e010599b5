/**
 * `npm run bench`: runs each measurement group in a Node process of its own (--expose-gc), prints one table
 * and a verdict line per target, and writes every number to bench/results/latest.json.
 *
 * Usage: npm run bench [-- --only cpu,disabled] [-- --out path.json] [-- --strict] [-- --update-docs]
 * Groups: context, context-dist, disabled, cpu, content, metrics, memory, export, export-plain, export-saturated.
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { GroupReport, RowStats } from './lib/harness';
import { formatTable } from './lib/table';
import { judge, type Verdict } from './lib/verdicts';

const GROUPS = [
  'context',
  'context-dist',
  'disabled',
  'cpu',
  'content',
  'metrics',
  'memory',
  'export',
  'export-plain',
  'export-saturated',
] as const;
/** The script and arguments of each group (both export groups share one script). */
const SCRIPTS: Record<GroupName, [string, ...string[]]> = {
  context: ['context'],
  'context-dist': ['context', 'dist'],
  disabled: ['disabled'],
  cpu: ['cpu'],
  content: ['content'],
  metrics: ['metrics'],
  memory: ['memory'],
  export: ['export'],
  'export-plain': ['export', 'plain'],
  'export-saturated': ['export', 'saturated'],
};
export type GroupName = (typeof GROUPS)[number];
export type Reports = Partial<Record<GroupName, GroupReport>>;

/** Runs one group in a fresh process; tracing variables are removed so the package starts with tracing off. */
function runGroupProcess(group: GroupName): Promise<GroupReport> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('MELLEA_') && !key.startsWith('OTEL_')) env[key] = value;
  }
  return new Promise((resolvePromise, reject) => {
    const [script, ...args] = SCRIPTS[group];
    const child = fork(join(__dirname, 'groups', `${script}.js`), args, {
      execArgv: ['--expose-gc'],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: GroupReport | undefined;
    child.on('message', (message: GroupReport) => {
      result = message;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result !== undefined && result.group !== 'error') resolvePromise(result);
      else
        reject(new Error(`bench group "${group}" failed (exit code ${code}): ${String(result?.error ?? 'no report')}`));
    });
  });
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const only = argument('only')?.split(',');
  // A partial run does not replace the full results (bench/results/*.tmp.json is git-ignored).
  const out = resolve(
    argument('out') ?? join('bench', 'results', only === undefined ? 'latest.json' : 'partial.tmp.json'),
  );
  const selected = GROUPS.filter((group) => only === undefined || only.includes(group)).filter((group) => {
    // The import check of the built package needs a build; without one it is skipped, and said so.
    if (group !== 'context-dist' || existsSync(join('dist', 'index.js'))) return true;
    process.stderr.write('bench: context-dist skipped (no dist/index.js; run npm run build first)\n');
    return false;
  });
  const startedAt = new Date();
  const loadBefore = loadavg();
  const reports: Reports = {};
  for (const group of selected) {
    process.stderr.write(`bench: ${group}…\n`);
    reports[group] = await runGroupProcess(group);
  }
  const verdicts: Verdict[] = judge(reports);
  const rows = selected.flatMap((group) => (reports[group]?.rows ?? []).map((row: RowStats) => ({ group, ...row })));
  const cores = cpus().length;
  const printed = [
    `Node ${process.version}, ${cores} cores, load average ${loadBefore[0]!.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`,
    formatTable(rows, reports),
    '',
    ...verdicts.map((verdict) => `${verdict.pass ? 'PASS' : 'MISS'}  ${verdict.target}: ${verdict.measured}`),
  ].join('\n');
  console.log(printed);

  const result = {
    date: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    commit: gitCommit(),
    machine: {
      node: process.version,
      cpu: cpus()[0]?.model,
      cores,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
    },
    verdicts,
    groups: reports,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  formatLikeTheRepo(out);
  console.log(`\nnumbers written to ${out} (${result.seconds.toFixed(0)} s)`);
  if (process.argv.includes('--update-docs')) {
    if (only === undefined) updateDocs(printed);
    else console.log(`${DOCS} left as it is: --update-docs takes a full run, not --only`);
  }
  // A missed target is a finding, printed above; --strict turns it into a failing exit code (for CI).
  if (process.argv.includes('--strict') && verdicts.some((verdict) => !verdict.pass)) process.exitCode = 1;
}

/** Formats the JSON with the repository's formatter (Biome), so that a committed result passes `biome check`. */
function formatLikeTheRepo(file: string): void {
  const biome = join('node_modules', '.bin', 'biome');
  if (!existsSync(biome) || !file.startsWith(`${process.cwd()}/`)) return;
  try {
    execFileSync(biome, ['format', '--write', file], { stdio: 'ignore' });
  } catch {
    // Unformatted JSON is still the same numbers.
  }
}

const DOCS = join('docs', 'performance.md');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Puts the printed output between the result markers of docs/performance.md. */
function updateDocs(printed: string): void {
  const text = readFileSync(DOCS, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${DOCS} has no ${START} … ${END} block`);
  writeFileSync(DOCS, `${text.slice(0, start + START.length)}\n\n\`\`\`\n${printed}\n\`\`\`\n\n${text.slice(end)}`);
  console.log(`results written to ${DOCS}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
