#!/usr/bin/env node
// Toolchain check: pack the package from the checkout, install the tarball into ONE fresh consumer project (in a
// temporary folder; the npm registry is the only network), and use it there as users' toolchains do:
//   - bundles: esbuild (CommonJS and ESM output, the package bundled in or external) and webpack 5, run with both
//     scopes and console export on — spans nested and complete, no "not installed" / "failed to load" warning;
//     the bundled-in ones run from an empty folder, so the SDK they use is the one bundled;
//   - Deno (npm package `deno`) running the ESM build, and a Worker under miniflare (workerd, `nodejs_compat`);
//   - TypeScript 5.9.3 and 6.0.3 type-checking all three entries with `module` commonjs, node16, nodenext and
//     `moduleResolution: bundler`, in both decorator dialects (skipLibCheck off: the .d.ts files are checked);
//   - a ts-jest test compiled by TypeScript 5.9.3;
//   - each TypeScript docs snippet, type-checked alone in the consumer project (nothing but its own imports).
// The tools come from this project's node_modules (exact devDependencies); TypeScript 5.9.3 is installed into the
// consumer project (a second `typescript` here would take the `tsc` command). Prints one line per check and
// `toolchains: N passed, N failed`; exits 1 if any failed. `--prebuilt`: pack dist/ as built (CI builds first);
// `--only=TEXT`: run only the checks whose name contains TEXT.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const rootRequire = createRequire(join(root, 'package.json'));
const work = mkdtempSync(join(tmpdir(), 'mellea-toolchains-'));
const app = join(work, 'app');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const TYPESCRIPT_5 = '5.9.3';
const started = Date.now();

const exec = promisify(execFile);
/** Runs a command; rejects with its output when it exits non-zero. */
async function run(command, args, { cwd = app, env = {}, timeout = 120_000 } = {}) {
  try {
    return await exec(command, args, {
      cwd,
      env: { ...cleanEnv(), ...env },
      timeout,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
  }
}

/** The environment without this package's switches (each check sets the ones it wants). */
function cleanEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MELLEA_TRACE_') && !key.startsWith('OTEL_')),
  );
}

let passed = 0;
let failed = 0;
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
async function check(name, fn) {
  if (only !== undefined && !name.includes(only)) return;
  const start = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n${error?.stack ?? error}`);
  }
}

/** Runs `tasks` (async functions) at most `limit` at a time. */
async function pool(limit, tasks) {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (queue.length > 0) await queue.shift()();
    }),
  );
}

const lockedVersion = (name) =>
  JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages[`node_modules/${name}`].version;

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const TRACING_ON = { MELLEA_TRACE_APPLICATION: 'true', MELLEA_TRACE_BACKEND: 'true', MELLEA_TRACE_CONSOLE: 'true' };
const BAD_WARNING = /not installed|failed to load|MelleaTelemetryWarning/;

/**
 * What traced-app.ts printed: the value, and the spans the package's pipeline ended (chat inside aact, one trace,
 * usage counted), also printed by the console exporter; no warning from the package on stderr.
 */
function assertTracedRun({ stdout, stderr }, where) {
  const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
  assert(line !== undefined, `${where}: no RESULT line in\n${stdout}\n${stderr}`);
  const { value, spans } = JSON.parse(line.slice('RESULT '.length));
  assert(value === 'echo: hi', `${where}: value ${value}`);
  const aact = spans.find((span) => span.name === 'aact');
  const chat = spans.find((span) => span.name === 'chat');
  assert(spans.length === 2 && aact && chat, `${where}: spans ${JSON.stringify(spans)}`);
  assert(aact.parent === undefined && chat.parent === aact.id, `${where}: chat is not inside aact`);
  assert(chat.trace === aact.trace, `${where}: two traces`);
  assert(chat.attributes['gen_ai.usage.total_tokens'] === 7, `${where}: usage ${JSON.stringify(chat.attributes)}`);
  assert(chat.attributes['gen_ai.request.model'] === 'echo-1', `${where}: model missing`);
  // The console exporter's output (Node prints 'name', Deno "name").
  for (const name of ['aact', 'chat']) {
    assert(new RegExp(`name: ['"]${name}['"]`).test(stdout), `${where}: console export of ${name} missing`);
  }
  assert(!BAD_WARNING.test(stderr), `${where}: warning on stderr:\n${stderr}`);
}

async function esbuild(options) {
  const { build } = rootRequire('esbuild');
  await build({ absWorkingDir: app, bundle: true, logLevel: 'error', target: 'node20', ...options });
}

/** A bundle that carries the package runs from an empty folder: it can only use what it bundled. */
function isolated(name) {
  const folder = join(work, 'isolated', name);
  mkdirSync(folder, { recursive: true });
  return folder;
}

async function main() {
  // 1. Pack and install.
  await run('npm', ['pack', '--pack-destination', work, '--silent', ...(prebuilt() ? ['--ignore-scripts'] : [])], {
    cwd: root,
    timeout: 300_000,
  });
  const tarball = join(
    work,
    readdirSync(work).find((file) => file.endsWith('.tgz')),
  );
  cpSync(join(root, 'scripts', 'toolchains'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'toolchain-consumer', private: true }));
  const consumerDeps = [
    tarball,
    `typescript@${TYPESCRIPT_5}`,
    `@types/node@${lockedVersion('@types/node')}`,
    `@types/jest@${lockedVersion('@types/jest')}`,
    // What the docs snippets import besides the package.
    `@opentelemetry/sdk-node@${lockedVersion('@opentelemetry/sdk-node')}`,
    `zod@${lockedVersion('zod')}`,
    `openai@${lockedVersion('openai')}`,
    `ollama@${lockedVersion('ollama')}`,
    `@anthropic-ai/sdk@${lockedVersion('@anthropic-ai/sdk')}`,
  ];
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...consumerDeps], { timeout: 300_000 });
  console.log(`installed the packed package and TypeScript ${TYPESCRIPT_5} into a fresh consumer project`);

  await checkBundles();
  await checkDeno();
  await checkWorker();
  await checkTypes();
  await checkTsJest();
  await checkDocsSnippets();
}

async function checkBundles() {
  const entryPoints = ['traced-app.ts'];
  await check('esbuild, CommonJS output, package bundled in: runs with tracing on', async () => {
    const folder = isolated('esbuild-cjs');
    await esbuild({ entryPoints, platform: 'node', format: 'cjs', outfile: join(folder, 'app.cjs') });
    assertTracedRun(await run('node', ['app.cjs'], { cwd: folder, env: TRACING_ON }), 'esbuild cjs');
  });
  await check(
    'esbuild, CommonJS output, package bundled in: tracing off loads, prints nothing, warns nothing',
    async () => {
      const { stdout, stderr } = await run('node', ['app.cjs'], { cwd: join(work, 'isolated', 'esbuild-cjs') });
      assert(stdout.startsWith('RESULT {"value":"echo: hi","spans":[]}') && stderr === '', `${stdout}\n${stderr}`);
    },
  );
  await check('esbuild, CommonJS output, package bundled in: exports over OTLP gRPC and http/protobuf', async () => {
    // The exporters (and gRPC) are bundled too: a loopback receiver gets the spans of each protocol.
    const { MockOtlpServer, normalizeTrace } = rootRequire('@elastic/mockotlpserver');
    const received = [];
    const receiver = new MockOtlpServer({
      services: ['grpc', 'http'],
      grpcHostname: '127.0.0.1',
      grpcPort: 0,
      httpHostname: '127.0.0.1',
      httpPort: 0,
      logLevel: 'error',
      onTrace: (raw) => {
        for (const resourceSpans of normalizeTrace(raw).resourceSpans) {
          const service = resourceSpans.resource?.attributes?.['service.name'];
          for (const scopeSpans of resourceSpans.scopeSpans) {
            for (const span of scopeSpans.spans) received.push(`${service}:${span.name}`);
          }
        }
      },
    });
    await receiver.start();
    try {
      const endpoints = {
        grpc: String(receiver.grpcUrl).replace(/\/$/, ''),
        'http/protobuf': String(receiver.httpUrl).replace(/\/$/, ''),
      };
      for (const [protocol, endpoint] of Object.entries(endpoints)) {
        const env = {
          ...TRACING_ON,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_SERVICE_NAME: `bundle-${protocol}`,
        };
        const result = await run('node', ['app.cjs'], { cwd: join(work, 'isolated', 'esbuild-cjs'), env });
        assertTracedRun(result, `esbuild cjs, OTLP ${protocol}`);
        // shutdownTelemetry() in the app returned after the export: the receiver has them.
        const names = received.filter((name) => name.startsWith(`bundle-${protocol}:`)).sort();
        const expected = [`bundle-${protocol}:aact`, `bundle-${protocol}:chat`];
        assert(JSON.stringify(names) === JSON.stringify(expected), `OTLP ${protocol}: ${JSON.stringify(received)}`);
      }
    } finally {
      await receiver.close();
    }
  });
  await check(
    'esbuild, ESM output, package bundled in (createRequire banner, see docs): runs with tracing on',
    async () => {
      const folder = isolated('esbuild-esm');
      await esbuild({
        entryPoints,
        platform: 'node',
        format: 'esm',
        outfile: join(folder, 'app.mjs'),
        banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      });
      assertTracedRun(await run('node', ['app.mjs'], { cwd: folder, env: TRACING_ON }), 'esbuild esm');
    },
  );
  for (const format of ['cjs', 'esm']) {
    await check(
      `esbuild, ${format === 'cjs' ? 'CommonJS' : 'ESM'} output, packages external: runs with tracing on`,
      async () => {
        const outfile = join(app, 'out', `external.${format === 'cjs' ? 'cjs' : 'mjs'}`);
        await esbuild({ entryPoints, platform: 'node', format, packages: 'external', outfile });
        assertTracedRun(await run('node', [outfile], { env: TRACING_ON }), `esbuild ${format} external`);
      },
    );
  }
  await check('webpack 5, target node, package bundled in: runs with tracing on', async () => {
    // webpack (and Deno) get JavaScript: the app with its decorators compiled by esbuild, packages left external.
    await esbuild({
      entryPoints,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      outfile: join(app, 'out', 'traced-app.mjs'),
    });
    const folder = isolated('webpack');
    const webpack = rootRequire('webpack');
    const stats = await promisify(webpack)({
      mode: 'production',
      target: 'node20',
      context: app,
      entry: './out/traced-app.mjs',
      output: { path: folder, filename: 'app.js' },
      optimization: { minimize: false },
      resolve: { modules: [join(app, 'node_modules')] },
    });
    assert(!stats.hasErrors(), stats.toString('errors-only'));
    assertTracedRun(await run('node', ['app.js'], { cwd: folder, env: TRACING_ON }), 'webpack');
  });
}

async function checkDeno() {
  await check('Deno 2 runs the ESM build with tracing on', async () => {
    const env = { ...TRACING_ON, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(work, 'deno-cache') };
    const result = await run(bin('deno'), ['run', '--allow-all', 'out/traced-app.mjs'], { env });
    assertTracedRun(result, 'deno');
  });
}

async function checkWorker() {
  await check('a Worker (workerd, nodejs_compat, miniflare): in-memory exporter and console export', async () => {
    // Bundled as wrangler does for Workers: the `workerd`/`worker` conditions, Node built-ins left to nodejs_compat.
    const script = join(app, 'out', 'worker.mjs');
    await esbuild({
      entryPoints: ['worker.ts'],
      platform: 'browser',
      conditions: ['workerd', 'worker'],
      external: ['node:*'],
      format: 'esm',
      target: 'es2022',
      outfile: script,
    });
    const { Miniflare } = rootRequire('miniflare');
    const logs = [];
    const mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: join(app, 'out'), // module names relative to it (outside the working directory workerd fails)
      compatibilityDate: '2025-09-01',
      compatibilityFlags: ['nodejs_compat'],
      bindings: TRACING_ON,
      handleStructuredLogs: (log) => {
        logs.push(log);
      },
    });
    try {
      const testing = await (await mf.dispatchFetch('http://localhost/testing')).json();
      assert(
        JSON.stringify(testing) ===
          JSON.stringify({ value: 'echo: hi', shape: [['aact', [['chat']]]], totalTokens: 7 }),
        `testing entry in the Worker: ${JSON.stringify(testing)}`,
      );
      const pipeline = await (await mf.dispatchFetch('http://localhost/pipeline')).json();
      const aact = pipeline.spans?.find((span) => span.name === 'aact');
      const chat = pipeline.spans?.find((span) => span.name === 'chat');
      assert(pipeline.value === 'echo: hi' && pipeline.console === true, JSON.stringify(pipeline));
      assert(aact && chat && chat.parent === aact.id && aact.parent === undefined, JSON.stringify(pipeline));
      // Workers' logs arrive on their own stream: wait (bounded) for both console-exported spans.
      const printed = () =>
        logs.flatMap((log) => {
          try {
            return [JSON.parse(log.message).name];
          } catch {
            return [];
          }
        });
      for (let waited = 0; waited < 5000 && !['aact', 'chat'].every((n) => printed().includes(n)); waited += 50) {
        await new Promise((done) => setTimeout(done, 50));
      }
      assert(
        ['aact', 'chat'].every((n) => printed().includes(n)),
        `console export: ${JSON.stringify(logs)}`,
      );
      assert(!logs.some((log) => BAD_WARNING.test(log.message)), `warning: ${JSON.stringify(logs)}`);
    } finally {
      await mf.dispose();
    }
  });
}

const MODULE_SETTINGS = {
  commonjs: { module: 'commonjs' },
  node16: { module: 'node16' },
  nodenext: { module: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};
const DIALECTS = {
  legacy: { experimentalDecorators: true, emitDecoratorMetadata: true },
  standard: {},
};

async function checkTypes() {
  copyFileSync(join(app, 'consumer-types.ts'), join(app, 'consumer-types.mts'));
  const compilers = {
    [TYPESCRIPT_5]: join(app, 'node_modules', 'typescript', 'bin', 'tsc'),
    [lockedVersion('typescript')]: join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  };
  const tasks = [];
  for (const [version, tsc] of Object.entries(compilers)) {
    for (const [setting, moduleOptions] of Object.entries(MODULE_SETTINGS)) {
      for (const [dialect, decoratorOptions] of Object.entries(DIALECTS)) {
        const id = `${version}-${setting}-${dialect}`;
        // Under node16/nodenext a .ts file here is CommonJS and a .mts file ESM: check both sides.
        const files = setting.startsWith('node') ? ['consumer-types.ts', 'consumer-types.mts'] : ['consumer-types.ts'];
        const compilerOptions = {
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          ...moduleOptions,
          ...decoratorOptions,
        };
        writeFileSync(join(app, `tsconfig.${id}.json`), JSON.stringify({ compilerOptions, files }));
        tasks.push(() =>
          check(`TypeScript ${version}, ${setting}, ${dialect} decorators: all three entries type-check`, async () => {
            const { stdout } = await run('node', [tsc, '-p', `tsconfig.${id}.json`, '--version']);
            assert(stdout.includes(version), `expected TypeScript ${version}, got ${stdout}`);
            await run('node', [tsc, '-p', `tsconfig.${id}.json`]);
          }),
        );
      }
    }
  }
  await pool(2, tasks);
}

async function checkTsJest() {
  await check(
    `ts-jest on TypeScript ${TYPESCRIPT_5} (legacy decorators, type-checked) runs a consumer test`,
    async () => {
      const config = {
        rootDir: app,
        testEnvironment: 'node',
        testMatch: ['<rootDir>/ts-jest.test.ts'],
        transform: {
          '^.+\\.ts$': [
            rootRequire.resolve('ts-jest'),
            {
              compiler: join(app, 'node_modules', 'typescript'),
              tsconfig: {
                target: 'ES2022',
                module: 'commonjs',
                strict: true,
                experimentalDecorators: true,
                emitDecoratorMetadata: true,
                types: ['node', 'jest'],
              },
            },
          ],
        },
      };
      writeFileSync(join(app, 'jest.config.json'), JSON.stringify(config));
      const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
      const { stderr } = await run('node', [
        jest,
        '--config',
        'jest.config.json',
        '--ci',
        '--cacheDirectory',
        join(work, 'jest-cache'),
      ]);
      assert(/Tests:\s+1 passed, 1 total/.test(stderr), stderr);
    },
  );
}

/** The TypeScript files shown in the docs (`<!-- file: PATH -->` blocks, as __tests__/docs/snippets.test.ts reads them). */
function docsSnippets() {
  const documents = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const paths = documents.flatMap((document) =>
    [...readFileSync(join(root, document), 'utf8').matchAll(/<!-- file: (\S+\.ts) -->/g)].map((match) => match[1]),
  );
  return [...new Set(paths)].sort();
}

async function checkDocsSnippets() {
  // One program for all snippets (one tsc start instead of one each); every snippet is a module, so none sees
  // another's declarations, and an import of anything but a package (a test fixture) fails to resolve.
  const folder = join(app, 'snippets');
  mkdirSync(folder, { recursive: true });
  const files = docsSnippets().map((path) => {
    const file = path.replaceAll('/', '__');
    const source = readFileSync(join(root, path), 'utf8');
    if (!/^(import|export) /m.test(source)) throw new Error(`${path} is not a module: it would share one scope`);
    writeFileSync(join(folder, file), source);
    return file;
  });
  const compilerOptions = {
    target: 'ES2022',
    module: 'commonjs',
    strict: true,
    noEmit: true,
    // TC39 decorators: the default of a fresh TypeScript project.
    types: ['node', 'jest'],
  };
  writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  await check(`docs snippets (${files.length} TypeScript files) type-check in a fresh consumer project`, async () => {
    await run('node', [tsc, '-p', 'tsconfig.json'], { cwd: folder });
  });
}

function prebuilt() {
  return process.argv.includes('--prebuilt');
}

try {
  await main();
} catch (error) {
  failed++;
  console.log(`FAIL packing or installing\n${error?.stack ?? error}`);
} finally {
  if (process.env.MELLEA_TOOLCHAINS_KEEP === undefined) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
console.log(`toolchain stage took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`toolchains: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
