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
  testTimeout: 30_000,
  maxWorkers: 2,
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/worker.ts', '!src/platform/process-signals.ts'],
  coverageReporters: ['text-summary', 'lcov', 'json-summary'],
  coverageThreshold: {
    global: { lines: 85, branches: 85 },
  },
};

export default config;
