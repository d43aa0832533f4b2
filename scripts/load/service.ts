/**
 * The service a load run targets when no --url is given: the built service (`dist/main.js`
 * with `npm start`'s node flags) on PostgreSQL + Redis when both answer (a fresh database and
 * key prefix, removed afterwards), else on an embedded PGlite in a temporary directory. Limits
 * are raised as for the benchmark, and the scenario's test accounts are on, so it runs in
 * development mode (production refuses test accounts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createClient } from 'redis';
import { freePort, sleep } from '../../tests/helpers/private-redis';
import { root } from '../bench/processes';
import { serviceEnv } from '../bench/service-env';

const PG_ADMIN = process.env.LOAD_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.LOAD_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Store = 'auto' | 'postgres' | 'pglite';

export interface RunningService {
  url: string;
  description: string;
  stop(): Promise<void>;
}

async function serversAnswer(): Promise<boolean> {
  const pg = new Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  const redis = createClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  try {
    await pg.connect();
    await redis.connect();
    return true;
  } catch {
    return false;
  } finally {
    await pg.end().catch(() => undefined);
    if (redis.isOpen) redis.destroy();
  }
}

export async function startService(store: Store, testAccounts: string): Promise<RunningService> {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-changed.mjs')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('the build failed');
  const usePostgres = store === 'postgres' || (store === 'auto' && (await serversAnswer()));
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const cleanups: Array<() => Promise<void>> = [];
  let env: NodeJS.ProcessEnv;
  if (usePostgres) {
    const dbName = `otp_load_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const dbUrl = Object.assign(new URL(PG_ADMIN), { pathname: `/${dbName}` }).toString();
    const prefix = `load:${randomBytes(4).toString('hex')}:`;
    env = serviceEnv({ port, secret, dbUrl, redisUrl: REDIS_URL, prefix });
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      const redis = createClient({ url: REDIS_URL });
      await redis.connect();
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
        if (keys.length) await redis.del(keys);
      redis.destroy();
    });
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'otp-load-'));
    const base = serviceEnv({ port, secret, dbUrl: '', redisUrl: '', prefix: '' });
    const { POSTGRESQL_URL: _pg, REDIS_URL: _redis, REDIS_KEY_PREFIX: _prefix, ...rest } = base;
    // No Redis: the in-memory queue sends each code through the console transport (stdout,
    // which is discarded here).
    env = { ...rest, DATA_DIR: dataDir, EMAIL_TRANSPORT: 'console', EMAIL_WORKER_IN_PROCESS: 'true' };
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  }
  env = {
    ...env,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOAD_LOG_LEVEL ?? 'warn',
    OTP_TEST_ACCOUNTS: testAccounts,
    // A test account's codes are counted like anyone's: let each sign in as often as the mix asks.
    OTP_MAX_PER_EMAIL_PER_HOUR: '1000000000',
    OTP_RESEND_COOLDOWN_SECONDS: '0',
  };
  const startFlags = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start
    .split(' ')
    .filter((a) => a.startsWith('--'));
  const child = spawn(process.execPath, [...startFlags, join(root, 'dist', 'main.js')], {
    env,
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(15_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    for (const cleanup of cleanups) await cleanup().catch((err: unknown) => console.warn('cleanup:', err));
  };
  // Ready means our child answers: on a shared machine another process may take the port
  // between freePort() and the child's listen, and answer in its place.
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  try {
    for (let i = 0; ; i++) {
      if (exited !== undefined) throw new Error(`the service exited (code ${exited}) before it was ready`);
      if (i > 600) throw new Error(`${url}/health/ready did not answer 200 within 60 s`);
      const status = await fetch(`${url}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200 && exited === undefined) break;
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    description: usePostgres
      ? 'PostgreSQL + Redis (email worker off: codes are queued, not sent)'
      : 'embedded PGlite, no Redis (codes sent through the console transport)',
    stop,
  };
}
