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

// The SDK packages are `require`d lazily (only when a scope is enabled). In the ESM build, `require` comes from
// `createRequire(import.meta.url)`, declared by the banner below.
export default defineConfig([
  {
    entry,
    format: ['cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    sourcemap: true,
    esbuildPlugins: [libraryAsSibling('.js')],
  },
  {
    entry,
    format: ['esm'],
    dts: true,
    target: 'node20',
    sourcemap: true,
    splitting: false,
    esbuildPlugins: [libraryAsSibling('.mjs')],
    banner: {
      js: "import { createRequire as __melleaCreateRequire } from 'node:module';\nconst require = __melleaCreateRequire(import.meta.url);",
    },
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
