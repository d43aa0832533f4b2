/** Where `npm run bench` (scripts/bench.ts) runs its processes: pinned to a CPU when it can be. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { sleep, startPrivateRedis } from '../../tests/helpers/private-redis';

/**
 * BENCH_PIN_BACKENDS=1 keeps PostgreSQL (the run's backends) and Redis (a private server) on
 * CPU 1: woken by the service's writes, the kernel tends to run them on the waker's CPU, where
 * they take turns with the service and show up in its profile as time inside `writev`. Off by
 * default: on two cores it moves the contention to CPU 1 (with autocannon) rather than
 * removing it, and measured no faster (docs/performance.md).
 */
export const PIN_BACKENDS = process.env.BENCH_PIN_BACKENDS === '1';
export const root = join(__dirname, '..', '..');
export const canPin = os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;

/** A private Redis on CPU 1 for the run, when redis-server is installed; else the shared one. */
export async function privateRedis(): Promise<{ url: string; stop: () => void } | undefined> {
  if (process.env.BENCH_REDIS_URL || !PIN_BACKENDS || !canPin) return undefined;
  try {
    const redis = await startPrivateRedis({ cpu: 1 });
    return { url: redis.url, stop: () => void redis.stop() };
  } catch {
    return undefined;
  }
}

export function startPinned(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [cmd, argv] = canPin ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, {
    env,
    cwd: root,
    stdio: ['ignore', process.env.BENCH_TRACE_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
  return child;
}

export async function waitHttp(url: string) {
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
