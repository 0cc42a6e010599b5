import { defineConfig } from 'tsup';

// The SDK packages are `require`d lazily (only when a scope is enabled). In the ESM build, `require` comes from
// `createRequire(import.meta.url)`, declared by the banner below.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    sourcemap: true,
  },
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm'],
    dts: true,
    target: 'node20',
    sourcemap: true,
    splitting: false,
    banner: { js: "import { createRequire as __melleaCreateRequire } from 'node:module';\nconst require = __melleaCreateRequire(import.meta.url);" },
  },
]);
