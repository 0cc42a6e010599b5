import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

// Three entries: the library (`index`), the test helpers (`testing`) and the session runtime (`runtime`). The
// runtime imports the library only through `mellea-telemetry`; in the build that import stays external and points
// at the library's own output file, so the runtime never carries a second copy of the library.
const entry = { index: 'src/index.ts', testing: 'src/testing/index.ts', runtime: 'runtime/index.ts' };

function libraryAsSibling(extension: '.js' | '.mjs'): Plugin {
  return {
    name: 'mellea-library-as-sibling',
    setup(build) {
      build.onResolve({ filter: /^mellea-telemetry$/ }, () => ({ path: `./index${extension}`, external: true }));
    },
  };
}

/**
 * The worker build imports the SDK statically (src/sdk/sdk-modules.worker.ts) instead of `require`-ing it, and has
 * no metric exporters, trace file or OTLP transport of its own (src/sdk/*.worker.ts: they need Node networking
 * or a file system).
 */
const workerSdkModules: Plugin = {
  name: 'mellea-worker-sdk-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\/sdk-modules$/ }, (args) => ({
      path: `${args.resolveDir}/sdk-modules.worker.ts`,
    }));
    build.onResolve({ filter: /^\.\.\/sdk\/metrics-provider$/ }, (args) => ({
      path: `${args.resolveDir}/../sdk/metrics-provider.worker.ts`,
    }));
    // No file system and no Node networking in a Worker: no trace file, no OTLP transport.
    build.onResolve({ filter: /^\.\/(file-exporter|otlp-transport)$/ }, (args) => ({
      path: `${args.resolveDir}/${args.path.slice(2)}.worker.ts`,
    }));
  },
};

/**
 * The ESM entries (`dist/*.mjs`) are thin wrappers over the CommonJS build: `import` and `require` then share one
 * copy of the package, nothing evaluates `createRequire(import.meta.url)` (which breaks CommonJS bundles and
 * Workers), and a bundler that bundles the package follows the CommonJS build's string-literal `require`s of the
 * SDK. The export names are read from the built CommonJS file, in a child process with no `MELLEA_TRACE_*`.
 */
function writeEsmWrappers(): void {
  for (const name of Object.keys(entry)) {
    const names: string[] = JSON.parse(
      execFileSync(process.execPath, ['-p', `JSON.stringify(Object.keys(require('./dist/${name}.js')))`], {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      }),
    );
    const exported = names.filter((key) => key !== '__esModule').sort();
    writeFileSync(
      `dist/${name}.mjs`,
      `// ESM entry: re-exports the CommonJS build (see tsup.config.ts), so import and require share one copy.\n` +
        `import cjs from './${name}.js';\n\nexport const {\n${exported.map((key) => `  ${key},\n`).join('')}} = cjs;\n`,
    );
  }
}

export default defineConfig([
  {
    entry,
    format: ['cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    sourcemap: true,
    esbuildPlugins: [libraryAsSibling('.js')],
    onSuccess: async () => writeEsmWrappers(),
  },
  // The `.d.mts` declarations of the ESM wrappers (same names as the CommonJS build).
  { entry, format: ['esm'], dts: { only: true }, target: 'node20' },
  // The `workerd` / `worker` export condition: real ESM, no `require`, the SDK imported statically.
  {
    entry,
    outDir: 'dist/worker',
    format: ['esm'],
    platform: 'neutral',
    target: 'es2022',
    external: [/^node:/],
    removeNodeProtocol: false,
    sourcemap: true,
    splitting: false,
    esbuildPlugins: [libraryAsSibling('.mjs'), workerSdkModules],
  },
  // The `mellea-telemetry` command (package.json `bin`): CommonJS only; it reads the viewer page's script and
  // style from src/viewer/page/ (shipped in the package) when it runs.
  {
    entry: { cli: 'src/viewer/bin.ts' },
    format: ['cjs'],
    target: 'node20',
    sourcemap: true,
  },
]);
