import client from 'prom-client';
import { createLogger } from '../../src/platform/logger';
import { createDeadlines } from '../../src/platform/redis/command-deadlines';
import { FallbackLimiterStore } from '../../src/platform/redis/limiter-store';
import { reconnectDelay, type RedisConnection } from '../../src/platform/redis/redis-client';

/** The pure parts of the Redis layer; everything else is tested against real Redis servers. */
describe('reconnect backoff', () => {
  it('when retries grow, then the delay doubles from 50 ms and stops at 2 s plus at most 100 ms of jitter', () => {
    expect(reconnectDelay(0, () => 0)).toBe(50);
    expect(reconnectDelay(3, () => 0)).toBe(400);
    expect(reconnectDelay(50, () => 0)).toBe(2_000);
    expect(reconnectDelay(50, () => 0.999)).toBe(2_099);
  });
});

describe('command deadlines', () => {
  const deadlines = createDeadlines(40);
  afterAll(() => deadlines.stop());

  it('when the command answers in time, then its value comes back and no failure is reported', async () => {
    const failures: unknown[] = [];
    await expect(deadlines.bound(Promise.resolve('OK'), (e) => failures.push(e))).resolves.toBe('OK');
    expect(failures).toEqual([]);
  });

  it('when the command never answers, then it fails within 1.25 × the timeout and the failure is reported', async () => {
    const failures: unknown[] = [];
    const started = Date.now();
    await expect(deadlines.bound(new Promise(() => undefined), (e) => failures.push(e))).rejects.toThrow(
      /timed out after 40 ms/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failures).toHaveLength(1);
  });

  it('when the answer arrives after the deadline, then it is ignored', async () => {
    let answer: (v: string) => void = () => undefined;
    const late = deadlines.bound(new Promise<string>((r) => (answer = r)));
    await expect(late).rejects.toThrow(/timed out/);
    answer('too late');
  });
});

describe('the rate-limit store when Redis is not usable', () => {
  const fakeRedis = (usable: boolean, send: RedisConnection['send']): RedisConnection => ({
    keyPrefix: 'unit:',
    isCluster: false,
    commandTimeoutMs: 100,
    usable: () => usable,
    state: () => (usable ? 'ready' : 'degraded'),
    send,
    onRecovered: () => undefined,
    close: async () => undefined,
  });
  const logger = createLogger({ level: 'error', silent: true });
  const options = { windowMs: 60_000, limit: 2 } as never;

  const store = (redis: RedisConnection) => {
    const registry = new client.Registry();
    const fallbacks = new client.Counter({
      name: 'fallbacks',
      help: 'h',
      labelNames: ['limiter'],
      registers: [registry],
    });
    const s = new FallbackLimiterStore({ name: 'unit', redis, logger, fallbacks });
    s.init(options);
    return { s, fallbacks };
  };

  it('when Redis is down, then hits are counted in memory and still add up (limiting is never switched off)', async () => {
    const { s, fallbacks } = store(fakeRedis(false, () => Promise.reject(new Error('down'))));
    expect((await s.increment('k')).totalHits).toBe(1);
    expect((await s.increment('k')).totalHits).toBe(2);
    expect((await s.increment('k')).totalHits).toBe(3);
    expect((await fallbacks.get()).values[0].value).toBe(3);
    s.shutdown();
  });

  it('when a Redis command fails, then that hit falls back to memory instead of failing the request', async () => {
    const { s } = store(fakeRedis(true, () => Promise.reject(new Error('timed out'))));
    expect((await s.increment('k')).totalHits).toBe(1);
    await expect(s.get('k')).resolves.toMatchObject({ totalHits: 1 });
    await expect(s.decrement('k')).resolves.toBeUndefined();
    await expect(s.resetKey('k')).resolves.toBeUndefined();
    s.shutdown();
  });

  it('when Redis answers, then its shared count is used', async () => {
    const send = (async (args: string[]) =>
      args[0] === 'SCRIPT' ? 'sha' : [7, 30_000]) as unknown as RedisConnection['send'];
    const { s } = store(fakeRedis(true, send));
    expect((await s.increment('k')).totalHits).toBe(7);
    expect(s.prefix).toBe('unit:rl:unit:');
    s.shutdown();
  });
});
