// Two decorator dialects, one suite: __tests__/core runs once per dialect (legacy = experimentalDecorators +
// emitDecoratorMetadata, standard = TC39), each project compiling the same files with its own tsconfig.
// Type checking is `npm run typecheck`; ts-jest only transpiles here (isolatedModules in the tsconfigs), which keeps tests fast.
const transform = (tsconfig) => ({ '^.+\\.ts$': ['ts-jest', { tsconfig }] });
// Tests and documentation snippets import the package by its name, as users do; it resolves to the source.
const moduleNameMapper = {
  '^mellea-telemetry$': '<rootDir>/src/index.ts',
  '^mellea-telemetry/testing$': '<rootDir>/src/testing/index.ts',
  '^mellea-telemetry/runtime$': '<rootDir>/runtime/index.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'legacy',
      testEnvironment: 'node',
      transform: transform('tsconfig.legacy.json'),
      moduleNameMapper,
      testMatch: ['<rootDir>/__tests__/core/**/*.test.ts', '<rootDir>/__tests__/legacy/**/*.test.ts'],
    },
    {
      displayName: 'standard',
      testEnvironment: 'node',
      transform: transform('tsconfig.standard.json'),
      moduleNameMapper,
      testMatch: ['<rootDir>/__tests__/!(legacy)/**/*.test.ts'],
    },
  ],
};
