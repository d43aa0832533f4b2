import {
  cachedReadiness,
  READINESS_MAX_AGE_MS,
  type ReadinessCheck,
} from '../../src/platform/http/readiness';

/** The readiness answer: asked at most once per second, shared by the callers in between. */

function countingCheck(answer: () => Promise<'ok' | 'degraded'> = async () => 'ok') {
  const counter = { calls: 0 };
  const check: ReadinessCheck = {
    name: 'database',
    check: () => {
      counter.calls++;
      return answer();
    },
  };
  return { check, counter };
}

describe('cachedReadiness', () => {
  it('when many callers ask while a check runs, then they share that one check', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { check, counter } = countingCheck(async () => {
      await gate;
      return 'ok';
    });
    const ready = cachedReadiness([check], { now: () => 0 });

    const answers = Promise.all(Array.from({ length: 20 }, () => ready()));
    release();

    expect(await answers).toEqual(Array(20).fill({ checks: { database: 'ok' } }));
    expect(counter.calls).toBe(1);
  });

  it('when asked again within the second, then the answer is reused; after it, the dependencies are asked again', async () => {
    let clock = 1_000;
    const { check, counter } = countingCheck();
    const ready = cachedReadiness([check], { now: () => clock });

    await ready();
    clock += READINESS_MAX_AGE_MS - 1;
    await ready();
    expect(counter.calls).toBe(1);

    clock += 1;
    await ready();
    expect(counter.calls).toBe(2);
  });

  it('when a dependency is down, then the failure is reused for the second too, and the first one down is named', async () => {
    let clock = 0;
    let calls = 0;
    const down: ReadinessCheck = {
      name: 'database',
      check: async () => {
        calls++;
        throw new Error('connection refused');
      },
    };
    const redis: ReadinessCheck = { name: 'redis', check: async () => 'degraded' };
    const ready = cachedReadiness([down, redis], { now: () => clock });

    expect(await ready()).toEqual({ checks: { database: 'down', redis: 'degraded' }, failing: 'database' });
    clock += 500;
    await ready();
    expect(calls).toBe(1);
  });

  it('when a check hangs, then it counts as down after its timeout (2 s)', async () => {
    jest.useFakeTimers();
    try {
      const hang: ReadinessCheck = { name: 'database', check: () => new Promise(() => undefined) };
      const ready = cachedReadiness([hang], { now: () => 0 });

      const answer = ready();
      await jest.advanceTimersByTimeAsync(2_000);

      expect(await answer).toEqual({ checks: { database: 'down' }, failing: 'database' });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('cachedReadiness with a check answered from memory', () => {
  it('when a check is in memory, then it is asked on every call while the costly one is reused', async () => {
    const { check: database, counter } = countingCheck();
    let redisState: 'ok' | 'degraded' = 'ok';
    let redisCalls = 0;
    const redis: ReadinessCheck = {
      name: 'redis',
      inMemory: true,
      check: async () => {
        redisCalls++;
        return redisState;
      },
    };
    const ready = cachedReadiness([database, redis], { now: () => 0 });

    expect(await ready()).toEqual({ checks: { database: 'ok', redis: 'ok' } });
    redisState = 'degraded';
    expect(await ready()).toEqual({ checks: { database: 'ok', redis: 'degraded' } });
    expect([counter.calls, redisCalls]).toEqual([1, 2]);
  });
});
