import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A redis-server of the test's own on a free port, which the test may stop, pause and restart. */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  start(): Promise<void>;
}

/** `cpu`: the CPU to keep it on (`taskset`), as the bench does to keep it off the service's. */
export async function startPrivateRedis(options: { cpu?: number } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    child =
      options.cpu === undefined
        ? spawn('redis-server', [...args, '--daemonize', 'no'], { stdio: 'ignore' })
        : spawn('taskset', ['-c', String(options.cpu), 'redis-server', ...args, '--daemonize', 'no'], {
            stdio: 'ignore',
          });
    child.on('error', () => undefined);
    await waitFor(
      () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG',
      10_000,
      'the private redis-server',
    );
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGCONT');
      c.kill('SIGKILL');
      await exited;
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    start,
  };
}
