import type { Config } from 'jest';

type Project = NonNullable<Config['projects']>[number] & object;

/**
 * One project per test folder, so `npm run test:<name>` runs just that one (`--selectProjects`)
 * and `npm test` runs them all with coverage. Type checking is done once by
 * `npm run typecheck`, so ts-jest only transpiles (tsconfig.check.json sets isolatedModules).
 */
const base = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.check.json' }],
  },
  setupFiles: ['<rootDir>/tests/setup/env.ts'],
} satisfies Partial<Project>;

/**
 * Projects whose suites need servers or tools: PostgreSQL, Redis, MongoDB and promtool are
 * probed once per run (the same module in every project runs once); suites that need a missing
 * one are SKIPPED (tests/helpers/services.ts) and the teardown prints why. Under CI PostgreSQL,
 * Redis and promtool must be there.
 */
const withServers = {
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
} satisfies Partial<Project>;

/** node, plus a per-worker dump of initdb's output, so each in-memory PGlite skips initdb. */
const withPglite = {
  testEnvironment: '<rootDir>/tests/setup/pglite-environment.ts',
} satisfies Partial<Project>;

const project = (name: string, extra: Partial<Project> = {}): Project => ({
  ...base,
  displayName: name,
  roots: [`<rootDir>/tests/${name}`],
  ...extra,
});

const config: Config = {
  projects: [
    project('unit'),
    project('component', { ...withServers, ...withPglite }),
    project('contract', { ...withServers, ...withPglite }),
    project('integration', { ...withServers, ...withPglite }),
    project('e2e'),
    // static: promtool for the alert rules (tests/static/alert-rules.test.ts) is probed alike.
    project('static', withServers),
    // The hosted page in Debian's Chromium (playwright-core), against the app on a port:
    // Chromium is probed by the same globalSetup (skipped loudly without it, required under CI).
    project('browser', { ...withServers, ...withPglite }),
  ],
  testTimeout: 30_000,
  maxWorkers: 2,
  // The PGlite WASM memories a test file reaches live outside the JS heap and are not all
  // released when the file ends, so a long-lived worker once grew to 5-7 GB resident. Since
  // component apps run on the PostgreSQL server (tests/helpers/test-app.ts), few files start
  // a PGlite: a worker is replaced once its heap passes 200 MB, which keeps the largest process
  // near 1.5 GB without paying a new worker for every file (docs/performance.md, "Test suite").
  workerIdleMemoryLimit: '200MB',
  // The entry points and the OpenTelemetry start run only in the service's own process (the
  // start-up, e2e and tracing tests start it), never in jest's.
  collectCoverageFrom: [
    'src/**/*.ts',
    '!src/main.ts',
    '!src/worker.ts',
    '!src/tracing.ts',
    '!src/platform/boot.ts',
    '!src/platform/tracing/start-sdk.ts',
  ],
  coverageReporters: ['text-summary', 'lcov', 'json-summary'],
  coverageThreshold: {
    global: { lines: 85, branches: 85 },
  },
};

export default config;
