/**
 * `npm run bench`: a bare Express hello-world as the baseline, then GET /v1/users/me,
 * POST /v1/auth/refresh, POST /v1/otp/request and POST /v1/otp/verify against the service
 * on PostgreSQL + Redis, each pinned to CPU 0 while autocannon runs on CPU 1. Prints
 * requests/s, p50, p99, errors, peak RSS and the ratio to the baseline (docs/performance.md).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createClient } from 'redis';
import { freePort, sleep } from '../tests/helpers/private-redis';
import {
  CONNECTIONS,
  SECONDS,
  WARMUP_SECONDS,
  measure,
  type CannonOptions,
  type Row,
} from './bench/autocannon';
import { PIN_BACKENDS, canPin, privateRedis, root, startPinned, waitHttp } from './bench/processes';
import { startOtlpSink } from './bench/otlp-sink';
import { serviceEnv } from './bench/service-env';
import { signInSessions } from './bench/sessions';
import { printTable } from './bench/table';

const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** autocannon on CPU 1: the script re-runs itself pinned there; servers are started on CPU 0. */
if (canPin && !process.env.BENCH_PINNED) {
  const r = spawnSync(
    'taskset',
    ['-c', '1', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PINNED: '1' },
    },
  );
  process.exit(r.status ?? 1);
}

const ONLY = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=users/me while profiling

async function main() {
  // As `npm start` runs it: compiled JavaScript, no TypeScript loader.
  const build = process.env.BENCH_SKIP_BUILD
    ? { status: 0, stdout: '' }
    : spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
        cwd: root,
        encoding: 'utf8',
      });
  if (build.status !== 0)
    console.warn(`tsc reported errors (output emitted anyway):\n${build.stdout.slice(0, 2000)}`);
  const dbName = `otp_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = Object.assign(new URL(PG_ADMIN), { pathname: `/${dbName}` }).toString();
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const ownRedis = await privateRedis();
  const redisUrl = ownRedis?.url ?? REDIS_URL;
  const secret = randomBytes(32).toString('hex');
  const port = await freePort();
  const sink = process.env.BENCH_TRACING === '1' ? await startOtlpSink() : undefined;
  const env = serviceEnv({ port, secret, dbUrl, redisUrl, prefix, otlpEndpoint: sink?.url });

  // Sessions to refresh and read, signed in through the same code paths (no Redis needed here).
  const sessions = await signInSessions(env, 3 * CONNECTIONS + 10);

  const rows: Row[] = [];
  let serviceArgs: string[] = [];
  const baselines: Row[] = [];
  const add = async (name: string, pid: number, opts: CannonOptions) => {
    if (ONLY && !name.includes(ONLY)) return;
    rows.push(await measure(name, pid, opts));
  };
  const children: ChildProcess[] = [];
  // The run's own PostgreSQL backends (its database's), moved to CPU 1 as they appear.
  const pinned = new Set<number>();
  const pinBackends = setInterval(() => {
    if (!PIN_BACKENDS || !canPin) return;
    admin
      .query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName])
      .then(({ rows: backends }) => {
        for (const { pid } of backends) {
          if (pinned.has(pid)) continue;
          pinned.add(pid);
          spawnSync('taskset', ['-p', '-c', '1', String(pid)], { stdio: 'ignore' });
        }
      })
      .catch(() => undefined);
  }, 250);
  try {
    // The baseline is measured before the service and again after it: this host drifts over
    // a run's minutes, and the ratios use the mean of the two (both rows are printed).
    const baselineRow = async (when: string) => {
      const basePort = await freePort();
      const hello = `const e=require('express');const a=e();a.get('/',(q,s)=>s.send('Hello World!'));a.listen(${basePort},'127.0.0.1')`;
      const base = startPinned(['-e', hello], {
        PATH: process.env.PATH,
        NODE_PATH: join(root, 'node_modules'),
      });
      children.push(base);
      await waitHttp(`http://127.0.0.1:${basePort}/`);
      const row = await measure(`express hello-world (baseline, ${when})`, base.pid as number, {
        url: `http://127.0.0.1:${basePort}/`,
      });
      base.kill();
      return row;
    };
    baselines.push(await baselineRow('before'));

    // The V8 flags of `npm start` (the heap ceiling), then any extra ones for profiling.
    const startFlags = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts.start
      .split(' ')
      .filter((a) => a.startsWith('--'));
    const nodeArgs = [...startFlags, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
    serviceArgs = [...nodeArgs, 'dist/main.js'];
    const svc = startPinned([...nodeArgs, join(root, 'dist', 'main.js')], env);
    children.push(svc);
    const url = `http://127.0.0.1:${port}`;
    await waitHttp(`${url}/health/ready`);
    const pid = svc.pid as number;
    const json = { 'content-type': 'application/json' };
    let n = 0;
    // Addresses spread over 1,000 domains, as real traffic is: the per-domain hourly cap counts
    // a domain's codes of the last hour, so one domain holding every code of the run (its cap
    // raised to 10⁹) would measure a count that grows with the run (docs/performance.md).
    const benchEmail = (k: number) => `bench-${k}@d${k % 1000}.example.com`;
    const randomIp = () => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

    // Not an endpoint of the issue: the cost of the middleware stack alone (no Redis, no database).
    await add('GET /health/live (middleware floor)', pid, { url: `${url}/health/live` });
    await add('GET /v1/users/me', pid, {
      url: `${url}/v1/users/me`,
      headers: { authorization: `Bearer ${sessions[0].accessToken}` },
    });

    // Each refresh must present the newest token of its chain: a pool shared by the connections.
    const pool = sessions.slice(1).map((s) => s.refreshToken);
    await add('POST /v1/auth/refresh', pid, {
      url: `${url}/v1/auth/refresh`,
      method: 'POST',
      headers: json,
      requests: [
        {
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ refreshToken: pool.shift() }) }),
          onResponse: (status, body) => {
            if (status === 200) pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
          },
        },
      ],
    });

    await add('POST /v1/otp/request', pid, {
      url: `${url}/v1/otp/request`,
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            n += 1;
            return {
              ...req,
              headers: { ...json, 'x-forwarded-for': randomIp() },
              body: JSON.stringify({ email: benchEmail(n) }),
            };
          },
        },
      ],
    });

    await add('POST /v1/otp/verify (wrong code)', pid, {
      url: `${url}/v1/otp/verify`,
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            n += 1;
            return {
              ...req,
              headers: { ...json, 'x-forwarded-for': randomIp() },
              body: JSON.stringify({ email: benchEmail(n % 5000), code: '000000' }),
            };
          },
        },
      ],
    });
    svc.kill('SIGTERM');
    await new Promise((r) => svc.once('exit', r));
    baselines.push(await baselineRow('after'));
  } finally {
    clearInterval(pinBackends);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await sleep(200);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    if (ownRedis) ownRedis.stop();
    else {
      const redis = createClient({ url: redisUrl });
      await redis.connect();
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
        if (keys.length) await redis.del(keys);
      redis.destroy();
    }
  }

  console.log(
    `\n${os.cpus()[0].model}, ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`,
  );
  console.log(
    `${CONNECTIONS} connections, ${SECONDS} s per endpoint after ${WARMUP_SECONDS} s warm-up; servers ${canPin ? 'on CPU 0, autocannon on CPU 1' : 'NOT pinned (taskset or a 2nd CPU missing)'}; PostgreSQL backends and Redis ${PIN_BACKENDS && canPin ? `on CPU 1${ownRedis ? ' (a private redis-server)' : ' (Redis: the shared server, not pinned)'}` : 'not pinned'}; LOG_LEVEL=${env.LOG_LEVEL}; service: node ${serviceArgs.join(' ')}\n`,
  );
  if (sink) {
    console.log(`tracing on: ${sink.stats()}\n`);
    sink.close();
  }
  printTable(baselines, rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
