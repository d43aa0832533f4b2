import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/**
 * What `src/tracing.ts` (the first import of main.ts and worker.ts) loads, in a child process
 * of the built code: the app's modules, then `pg`, and which @opentelemetry packages are in
 * require's cache and whether pg's Client is patched.
 */
function loaded(env: NodeJS.ProcessEnv): { packages: string[]; pgPatched: boolean } {
  const script = `
    require('./dist/tracing');
    require('./dist/app');
    require('./dist/composition-root');
    const pg = require('pg');
    const packages = new Set(Object.keys(require.cache)
      .map((f) => /node_modules\\/@opentelemetry\\/([^/]+)\\//.exec(f)?.[1]).filter(Boolean));
    console.log(JSON.stringify({ packages: [...packages].sort(), pgPatched: Boolean(pg.Client.prototype.query.__wrapped) }));`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH, DOTENV_CONFIG_PATH: join(root, 'no-such.env'), ...env },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { packages: string[]; pgPatched: boolean };
}

describe('tracing off unless configured', () => {
  beforeAll(() => {
    // The checkout is built (or brought up to date) first, untimed.
    const build = spawnSync('node', ['scripts/build-if-changed.mjs'], { cwd: root, stdio: 'ignore' });
    expect(build.status).toBe(0);
  }, 600_000);

  it('when no OTLP endpoint or New Relic key is set, then no OpenTelemetry SDK or instrumentation is loaded', () => {
    // @opentelemetry/api is a no-op facade that prom-client requires whatever we do.
    expect(loaded({})).toEqual({ packages: ['api'], pgPatched: false });
  });

  it('when an OTLP endpoint is set, then the SDK starts first and patches pg as it loads', () => {
    const on = loaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(on.packages).toEqual(
      expect.arrayContaining([
        'sdk-node',
        'instrumentation-http',
        'instrumentation-pg',
        'instrumentation-redis',
      ]),
    );
    expect(on.pgPatched).toBe(true);
  });
});
