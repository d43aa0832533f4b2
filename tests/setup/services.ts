import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * The servers some tests need, and the browser of the browser tests, probed once per run by
 * the jest globalSetup (tests/setup/global-setup.ts), which writes the answer to a JSON file
 * and names it in TEST_SERVICES_FILE for every worker. Suites ask `describeWith`
 * (tests/helpers/services.ts); a missing one makes them SKIPPED, and the globalTeardown prints
 * why.
 */
/** `promtool` and `chromium` are tools, not servers: the alert rules' checks and the browser tests need them. */
export type Service = 'postgres' | 'redis' | 'mongo' | 'promtool' | 'chromium';

export interface ServiceStatus {
  available: boolean;
  /** Why it is missing (only when not available). */
  reason?: string;
}

export type ServiceReport = Record<Service, ServiceStatus>;

export const SERVICE_NAMES: Record<Service, string> = {
  postgres: 'PostgreSQL',
  redis: 'Redis',
  mongo: 'MongoDB',
  promtool: 'promtool',
  chromium: 'Chromium',
};

/**
 * Under CI these must be there: a missing one fails the run instead of skipping suites
 * (.ci/run starts PostgreSQL and Redis and installs promtool and Chromium when they are missing).
 */
export const REQUIRED_UNDER_CI: Service[] = ['postgres', 'redis', 'promtool', 'chromium'];

/** The browser tests drive this Chromium (Debian's package) with playwright-core. */
export const CHROMIUM_PATH = process.env.TEST_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the PostgreSQL server for tests lives (CI's workflow sets TEST_DATABASE_URL). */
export const POSTGRES_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The shared Redis of this machine (CI's workflow may point elsewhere). */
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function probePostgres(): Promise<ServiceStatus> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true };
  } catch (err) {
    return { available: false, reason: `no PostgreSQL answers at ${POSTGRES_ADMIN_URL} (${String(err)})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The shared Redis, and the redis-server binary the private fault and cluster servers run. */
function probeRedis(): ServiceStatus {
  if (spawnSync('redis-server', ['--version'], { timeout: 3_000 }).status !== 0) {
    return { available: false, reason: 'redis-server is not installed (the private test servers need it)' };
  }
  const url = new URL(SHARED_REDIS_URL);
  const ping = spawnSync('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', 'ping'], {
    encoding: 'utf8',
    timeout: 3_000,
  });
  if (ping.status !== 0 || ping.stdout.trim() !== 'PONG') {
    return { available: false, reason: `no Redis answers at ${SHARED_REDIS_URL}` };
  }
  return { available: true };
}

async function probeMongo(): Promise<ServiceStatus> {
  const url = process.env.TEST_MONGODB_URL?.trim();
  if (!url) {
    return {
      available: false,
      reason:
        'TEST_MONGODB_URL is not set. No MongoDB server can run on the development machines (none ' +
        'in the reachable registries; mongodb-memory-server cannot download), so the adapter is ' +
        'checked offline by tests/integration/mongo (schemas, query filters, operator guard); ' +
        "CI's GitHub workflow sets TEST_MONGODB_URL to a replica set",
    };
  }
  // Loaded only when a URL is given: mongoose is heavy.
  const { default: mongoose } = await import('mongoose');
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: 3_000 });
  try {
    await connection.asPromise();
    await connection.db?.admin().ping();
    return { available: true };
  } catch (err) {
    return { available: false, reason: `TEST_MONGODB_URL is set but no MongoDB answers (${String(err)})` };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** promtool checks and unit-tests deploy/monitoring/alerts.yml (.ci/run installs it). */
function probePromtool(): ServiceStatus {
  const run = spawnSync('promtool', ['--version'], { timeout: 5_000 });
  if (run.status === 0) return { available: true };
  return {
    available: false,
    reason: 'promtool is not installed (apt-get install prometheus; .ci/run installs it when it is missing)',
  };
}

/** Installed and starts far enough to say its version (playwright-core downloads no browser). */
function probeChromium(): ServiceStatus {
  if (!existsSync(CHROMIUM_PATH)) {
    return { available: false, reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)` };
  }
  const version = spawnSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (version.status !== 0 || !/Chromium \d+/.test(version.stdout)) {
    return { available: false, reason: `${CHROMIUM_PATH} --version failed (${version.stderr.trim()})` };
  }
  return { available: true };
}

export async function probeServices(): Promise<ServiceReport> {
  const [postgres, mongo] = await Promise.all([probePostgres(), probeMongo()]);
  return { postgres, redis: probeRedis(), mongo, promtool: probePromtool(), chromium: probeChromium() };
}

/** A suite registered as skipped, as the teardown lists it. */
export interface SkipRecord {
  file: string;
  title: string;
  missing: Service[];
}

export const servicesFile = () => process.env.TEST_SERVICES_FILE;
export const skipsFile = (file: string) => file.replace(/\.json$/, '.skips.jsonl');

export function readServiceReport(): ServiceReport {
  const file = servicesFile();
  if (!file || !existsSync(file)) {
    throw new Error(
      'TEST_SERVICES_FILE is not set: run the tests through jest.config.ts, whose globalSetup ' +
        '(tests/setup/global-setup.ts) probes PostgreSQL, Redis, MongoDB and promtool once',
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as ServiceReport;
}

export function recordSkip(record: SkipRecord): void {
  const file = servicesFile();
  if (file) appendFileSync(skipsFile(file), `${JSON.stringify(record)}\n`);
}

export function readSkips(file: string): SkipRecord[] {
  if (!existsSync(skipsFile(file))) return [];
  return readFileSync(skipsFile(file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SkipRecord);
}
