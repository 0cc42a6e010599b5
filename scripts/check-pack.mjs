#!/usr/bin/env node
// Packed-package check: `npm pack` (of the built dist/), install the tarball into an empty folder, then use it
// from require and import (plain JS) and from TypeScript in both decorator dialects (types from the package).
// Prints one line per check and a final `pack: N passed, N failed`; exits 1 if any failed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'mellea-pack-'));
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const tsc = join(root, 'node_modules', '.bin', 'tsc');

let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n${String(error.stdout ?? '')}${String(error.stderr ?? error.message)}`);
  }
}

try {
  run('npm', ['pack', '--pack-destination', work, '--silent'], root);
  const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
  const app = join(work, 'app');
  cpSync(join(root, 'scripts', 'pack-consumer'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(work, tarball),
      `@types/node@${readVersion('@types/node')}`,
    ],
    app,
  );

  check('require() from CommonJS JavaScript', () => run('node', ['plain.cjs'], app));
  check('import from ESM JavaScript', () => run('node', ['plain.mjs'], app));
  check('require() and import in one process share one state', () => run('node', ['mixed.mjs'], app));
  check('TypeScript, legacy decorators, CommonJS (types from the package)', () => {
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        types: ['node'],
        outDir: 'out-legacy',
        skipLibCheck: false,
      },
      files: ['consumer.ts'],
    };
    writeFileSync(join(app, 'tsconfig.legacy.json'), JSON.stringify(config));
    run(tsc, ['-p', 'tsconfig.legacy.json'], app);
    run('node', ['out-legacy/consumer.js'], app);
  });
  check('TypeScript, TC39 decorators, ESM (types from the package)', () => {
    cpSync(join(app, 'consumer.ts'), join(app, 'consumer.mts'));
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        strict: true,
        types: ['node'],
        outDir: 'out-standard',
        skipLibCheck: false,
      },
      files: ['consumer.mts'],
    };
    writeFileSync(join(app, 'tsconfig.standard.json'), JSON.stringify(config));
    run(tsc, ['-p', 'tsconfig.standard.json'], app);
    run('node', ['out-standard/consumer.mjs'], app);
  });
  check('npx mellea-telemetry view writes the viewer page (the bin, with its page assets)', () => {
    const fixture = join(root, '__tests__', 'viewer', 'fixtures', 'collector-fileexporter.jsonl');
    const out = run('npx', ['--no-install', 'mellea-telemetry', 'view', fixture, '--out', 'viewer.html'], app);
    if (!out.includes('1 trace(s), 4 span(s)')) throw new Error(`unexpected output: ${out}`);
    const html = readFileSync(join(app, 'viewer.html'), 'utf8');
    if (!html.includes('id="trace-data"') || !html.includes('virtualList'))
      throw new Error('the page lacks its data or script');
  });
} catch (error) {
  failed++;
  console.log(`FAIL packing or installing\n${String(error.stderr ?? error.message)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`pack: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function readVersion(name) {
  const lock = JSON.parse(
    run('node', ['-p', `JSON.stringify(require('./package-lock.json').packages['node_modules/${name}'])`], root),
  );
  return lock.version;
}
