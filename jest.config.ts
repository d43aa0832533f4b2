import type { Config } from 'jest';

/**
 * One jest run covers unit, contract, component and e2e tests. Type checking is
 * done once by `npm run typecheck`, so ts-jest only transpiles (isolatedModules).
 */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.check.json' }],
  },
  // PostgreSQL, Redis and MongoDB are probed once; suites that need a missing one are SKIPPED
  // (tests/helpers/services.ts) and the teardown prints why. Under CI PostgreSQL and Redis must be there.
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/worker.ts', '!src/platform/boot.ts'],
  coverageReporters: ['text-summary', 'lcov', 'json-summary'],
  coverageThreshold: {
    global: { lines: 85, branches: 85 },
  },
};

export default config;
