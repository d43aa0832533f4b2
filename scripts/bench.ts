/**
 * `npm run bench`: a bare Express hello-world as the baseline, then GET /v1/users/me,
 * POST /v1/auth/refresh, POST /v1/otp/request and POST /v1/otp/verify against the service
 * on PostgreSQL + Redis, each pinned to CPU 0 while autocannon runs on CPU 1. Prints
 * requests/s, p50, p99, errors, peak RSS and the ratio to the baseline (docs/performance.md).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client } from 'pg';
import { createClient } from 'redis';
import { buildContainer } from '../src/composition-root';
import { loadConfig } from '../src/platform/config/config';
import { describeStorage } from '../src/platform/config/describe-storage';
import { createLogger } from '../src/platform/logger';
import type { Mailer, OutgoingEmail } from '../src/modules/email/email.ports';
import { freePort, sleep, startPrivateRedis } from '../tests/helpers/private-redis';

/** The part of autocannon's API used here (the package ships no types). */
interface CannonRequest {
  setupRequest?: (req: { headers?: Record<string, string>; body?: string }) => object;
  onResponse?: (status: number, body: string) => void;
}
interface CannonOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  requests?: CannonRequest[];
  connections?: number;
  duration?: number;
}
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
const autocannon = createRequire(__filename)('autocannon') as (o: CannonOptions) => Promise<CannonResult>;

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 3;
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * BENCH_PIN_BACKENDS=1 keeps PostgreSQL (the run's backends) and Redis (a private server) on
 * CPU 1: woken by the service's writes, the kernel tends to run them on the waker's CPU, where
 * they take turns with the service and show up in its profile as time inside `writev`. Off by
 * default: on two cores it moves the contention to CPU 1 (with autocannon) rather than
 * removing it, and measured no faster (docs/performance.md).
 */
const PIN_BACKENDS = process.env.BENCH_PIN_BACKENDS === '1';
const root = join(__dirname, '..');
const canPin = os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;

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

/** A private Redis on CPU 1 for the run, when redis-server is installed; else the shared one. */
async function privateRedis(): Promise<{ url: string; stop: () => void } | undefined> {
  if (process.env.BENCH_REDIS_URL || !PIN_BACKENDS || !canPin) return undefined;
  try {
    const redis = await startPrivateRedis({ cpu: 1 });
    return { url: redis.url, stop: () => void redis.stop() };
  } catch {
    return undefined;
  }
}

function startPinned(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [cmd, argv] = canPin ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, {
    env,
    cwd: root,
    stdio: ['ignore', process.env.BENCH_TRACE_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
  return child;
}

async function waitHttp(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet listening
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

/** The pid that serves (taskset execs node in place, so it is the child's own pid). */
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: string;
  rssMb: number;
  /** CPU time the server spent per request: robust to other load on the machine, unlike req/s. */
  cpuUs: number;
}

const ONLY = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=users/me while profiling

async function measure(name: string, pid: number, opts: CannonOptions): Promise<Row> {
  await autocannon({ ...opts, connections: CONNECTIONS, duration: WARMUP_SECONDS });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 100);
  const cpuBefore = cpuMs(pid);
  const r = await autocannon({ ...opts, connections: CONNECTIONS, duration: SECONDS });
  const cpuUsed = cpuMs(pid) - cpuBefore;
  clearInterval(sampler);
  peak = Math.max(peak, rssKb(pid));
  const codes = Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => `${code}×${s.count}`);
  const fiveHundreds = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => Number(code) >= 500)
    .reduce((n, [, s]) => n + s.count, 0);
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + fiveHundreds,
    statuses: codes.join(' '),
    rssMb: peak / 1024,
    cpuUs: (cpuUsed * 1000) / Math.max(1, r.requests.total),
  };
}

function captureMailer(): Mailer & { codes: Map<string, string> } {
  const codes = new Map<string, string>();
  return {
    name: 'bench-capture',
    codes,
    async send(m: OutgoingEmail) {
      codes.set(m.to, /\b(\d{6})\b/.exec(m.text)?.[1] ?? '');
      return { messageId: 'bench' };
    },
  };
}

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
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    SESSION_SECRET: secret,
    POSTGRESQL_URL: dbUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    // Production refuses the console transport; no mail is sent: the worker runs elsewhere.
    EMAIL_TRANSPORT: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '2',
    EMAIL_WORKER_IN_PROCESS: 'false',
    CORS_ORIGIN: 'https://app.example.com',
    METRICS_TOKEN: randomBytes(16).toString('hex'),
    TRUST_PROXY: '1',
    // The production default (info: audit events, no access log); BENCH_LOG_LEVEL=http adds one line per request.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    RATE_LIMIT_MAX_REQUESTS: '1000000000',
    VERIFY_RATE_LIMIT_PER_5_MIN: '1000000000',
    REFRESH_RATE_LIMIT_PER_5_MIN: '1000000000',
    OTP_MAX_PER_IP_PER_HOUR: '1000000000',
    OTP_MAX_PER_DOMAIN_PER_HOUR: '1000000000',
    OTP_MAX_FAILED_PER_IP_PER_HOUR: '1000000000',
    OTP_MAX_FAILED_PER_EMAIL_PER_HOUR: '1000000000',
    // The global ceilings too, so a run measures the sending path, not the refusal past 10,000.
    OTP_MAX_CODES_PER_HOUR_GLOBAL: '1000000000',
    OTP_MAX_FAILED_PER_HOUR_GLOBAL: '1000000000',
    ...(process.env.BENCH_POOL ? { DATABASE_POOL_MAX: process.env.BENCH_POOL } : {}),
  };

  // Sessions to refresh and read, signed in through the same code paths (no Redis needed here).
  const mailer = captureMailer();
  const setupConfig = loadConfig({ ...env, REDIS_URL: '', NODE_ENV: 'test', EMAIL_TRANSPORT: 'console' });
  console.log(`database: ${describeStorage(setupConfig.storage)}`);
  const setup = await buildContainer(setupConfig, {
    mailer,
    logger: createLogger({ level: 'error', silent: true }),
  });
  const sessions: Array<{ accessToken: string; refreshToken: string }> = [];
  // Refresh chains: a run loses the tokens in flight when it stops, so keep plenty in reserve.
  for (let i = 0; i < 3 * CONNECTIONS + 10; i++) {
    const email = `bench-session-${i}@example.com`;
    await setup.otp.request(email, { ip: `10.250.${i}.1`, locale: 'en' });
    await setup.queue.drain();
    sessions.push(await setup.otp.verify(email, mailer.codes.get(email) ?? '', { ip: `10.250.${i}.1` }));
  }
  await setup.close();

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

  const mean = (f: (r: Row) => number) => baselines.reduce((sum, r) => sum + f(r), 0) / baselines.length;
  const baseline = mean((r) => r.rps);
  console.log(
    `\n${os.cpus()[0].model}, ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`,
  );
  console.log(
    `${CONNECTIONS} connections, ${SECONDS} s per endpoint after ${WARMUP_SECONDS} s warm-up; servers ${canPin ? 'on CPU 0, autocannon on CPU 1' : 'NOT pinned (taskset or a 2nd CPU missing)'}; PostgreSQL backends and Redis ${PIN_BACKENDS && canPin ? `on CPU 1${ownRedis ? ' (a private redis-server)' : ' (Redis: the shared server, not pinned)'}` : 'not pinned'}; LOG_LEVEL=${env.LOG_LEVEL}; service: node ${serviceArgs.join(' ')}\n`,
  );
  const baseCpu = mean((r) => r.cpuUs);
  console.log(
    '| endpoint | req/s | p50 ms | p99 ms | errors | statuses | peak RSS MB | ratio | CPU µs/req | CPU ratio |',
  );
  console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|---:|');
  for (const r of [baselines[0], ...rows, ...baselines.slice(1)]) {
    console.log(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.statuses} | ${r.rssMb.toFixed(0)} | ${(r.rps / baseline).toFixed(2)} | ${r.cpuUs.toFixed(0)} | ${(baseCpu / r.cpuUs).toFixed(2)} |`,
    );
  }
  console.log(
    "\nratio = req/s ÷ the mean of the two baselines in this run; CPU ratio = the baselines' mean CPU per request ÷ this CPU per request (what one dedicated core would give).",
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
