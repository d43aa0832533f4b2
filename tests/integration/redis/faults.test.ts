import { spawnSync } from 'node:child_process';
import type { BullMailQueue } from '../../../src/modules/email/queue/bullmq-mail-queue';
import { ManualClock } from '../../../src/platform/clock';
import { createTempDatabase } from '../../helpers/databases';
import { metricValue, startPrivateRedis, waitFor, type PrivateRedis } from '../../helpers/redis-server';
import { describeWith } from '../../helpers/services';
import { createTestApp, type TestApp } from '../../helpers/test-app';

type SignedIn = { accessToken: string; refreshToken: string; user: { id: string }; session: { id: string } };

/**
 * SECURITY.md (b), Redis rows, against a private redis-server that the test pauses, flushes,
 * kills and starts again: logins keep working, revocations made during a pause win, brute-force
 * budgets survive FLUSHALL, and the service heals without a restart.
 */
describeWith(['postgres', 'redis'], 'Redis faults (private redis-server)', () => {
  const clock = new ManualClock(new Date());
  let redis: PrivateRedis;
  let db: { url: string; drop: () => Promise<void> };
  let a: TestApp;
  let b: TestApp;
  let seq = 0;
  const email = (label: string) => `faults-${label}-${++seq}@example.com`;
  const ip = () => `10.1.${++seq}.1`;

  const instance = (worker: boolean) =>
    createTestApp({
      storage: 'postgres',
      postgresUrl: db.url,
      env: {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: 'faults:',
        REDIS_COMMAND_TIMEOUT_MS: '200',
        EMAIL_WORKER_IN_PROCESS: String(worker),
        TRUST_PROXY: '1',
        VERIFY_RATE_LIMIT_PER_5_MIN: '8',
      },
      overrides: { clock },
    });
  const me = (t: TestApp, s: SignedIn) =>
    t.http.get('/v1/users/me').set('Authorization', `Bearer ${s.accessToken}`);
  const ready = async (t: TestApp) =>
    (await t.http.get('/health/ready')).body as { status: string; checks: object };
  const redisIs = (t: TestApp, state: string) => async () =>
    ((await ready(t)).checks as Record<string, string>).redis === state;
  const metric = (t: TestApp, name: string, labels: Record<string, string> = {}) =>
    metricValue(t.container.metrics.registry, name, labels);

  /** Request on `t`, verify on `t`, from a fresh client address; the code comes from whichever instance mailed it. */
  const signIn = async (t: TestApp, address: string): Promise<SignedIn> => {
    const from = ip();
    expect(
      (await t.http.post('/v1/otp/request').set('X-Forwarded-For', from).send({ email: address })).status,
    ).toBe(202);
    await a.container.queue.drain();
    await b.container.queue.drain();
    const mailed = [...a.mailer.to(address), ...b.mailer.to(address)];
    expect(mailed.length).toBeGreaterThan(0);
    const code = /\b(\d{6})\b/.exec(mailed[mailed.length - 1].text)?.[1];
    const res = await t.http
      .post('/v1/otp/verify')
      .set('X-Forwarded-For', from)
      .send({ email: address, code });
    expect(res.status).toBe(200);
    clock.advance(61_000);
    return res.body as SignedIn;
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    db = await createTempDatabase();
    a = await instance(true);
    b = await instance(false);
    await waitFor(
      async () => (await redisIs(a, 'ok')()) && (await redisIs(b, 'ok')()),
      10_000,
      'redis ready',
    );
  });

  afterAll(async () => {
    redis?.resume();
    try {
      await a?.close();
      await b?.close();
    } finally {
      await redis?.stop();
      await db?.drop();
    }
  });

  it('when Redis is paused (SIGSTOP), then logins keep working and a session revoked meanwhile stays refused after SIGCONT', async () => {
    const victim = await signIn(a, email('revoked'));
    expect((await me(b, victim)).status).toBe(200);
    expect((await me(b, victim)).status).toBe(200); // now served from B's Redis cache

    const generation = () =>
      spawnSync('redis-cli', ['-u', redis.url, 'GET', 'faults:cache:gen'], {
        encoding: 'utf8',
      }).stdout.trim();
    // The generation lives 160 ms and every instance renews it every 40 ms; a loaded machine can
    // stall the renewals long enough for it to lapse for a moment (it then starts anew), so
    // read it once it is there.
    let before = '';
    await waitFor(() => (before = generation()) !== '', 5_000, 'a cache generation in Redis');
    expect(before).not.toBe('');
    redis.pause();
    try {
      expect(
        (await a.http.post('/v1/auth/logout').set('Authorization', `Bearer ${victim.accessToken}`)).status,
      ).toBe(204);
      const fresh = await signIn(b, email('during-pause'));
      expect((await me(b, fresh)).status).toBe(200);
      expect((await b.http.post('/v1/auth/refresh').send({ refreshToken: fresh.refreshToken })).status).toBe(
        200,
      );
      const readiness = await b.http.get('/health/ready');
      expect(readiness.status).toBe(200);
      expect(readiness.body.status).toBe('degraded');
      expect(readiness.body.checks.redis).toBe('degraded');
    } finally {
      redis.resume();
    }

    // Every entry written before the pause is void: the generation it carries expired meanwhile.
    expect(generation()).not.toBe(before);
    // The very first request after SIGCONT, on the instance that had the session cached.
    const after = await me(b, victim);
    expect(after.status).toBe(401);
    await waitFor(redisIs(b, 'ok'), 10_000, 'B to recover');
    await waitFor(redisIs(a, 'ok'), 10_000, 'A to recover');
    expect((await me(b, victim)).status).toBe(401);
    expect((await me(a, victim)).status).toBe(401);
    expect(await metric(b, 'redis_degraded_total')).toBeGreaterThanOrEqual(1);
  });

  it('when Redis is flushed in the middle of a guessing attack, then the code stays dead (attempts live in the database)', async () => {
    const address = email('flush');
    const from = ip();
    await a.http.post('/v1/otp/request').set('X-Forwarded-For', from).send({ email: address });
    await a.container.queue.drain();
    const code = a.mailer.lastCode(address);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      expect(
        (
          await a.http
            .post('/v1/otp/verify')
            .set('X-Forwarded-For', from)
            .send({ email: address, code: wrong })
        ).status,
      ).toBe(401);
    }
    expect(spawnSync('redis-cli', ['-u', redis.url, 'FLUSHALL']).status).toBe(0);
    expect(
      (await b.http.post('/v1/otp/verify').set('X-Forwarded-For', ip()).send({ email: address, code: wrong }))
        .status,
    ).toBe(401);

    const res = await a.http
      .post('/v1/otp/verify')
      .set('X-Forwarded-For', ip())
      .send({ email: address, code });

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_code');
  });

  it('when Redis is killed, then logins, limits and email go on in-process; when it is back, the service heals without a restart', async () => {
    const known = await signIn(a, email('before-kill'));
    await redis.stop();
    await waitFor(redisIs(a, 'degraded'), 5_000, 'A to notice');

    const during = await signIn(a, email('while-down'));
    expect((await me(b, during)).status).toBe(200);
    expect((await me(b, known)).status).toBe(200);
    expect(await metric(a, 'mail_queue_fallback_total')).toBeGreaterThanOrEqual(1);
    expect(await metric(a, 'redis_up')).toBe(0);
    const scrape = await a.http.get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('redis_degraded_total');
    // The per-IP limiter now counts in memory and still refuses: never switched off, never a 500.
    const attacker = '198.51.100.9';
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await a.http
        .post('/v1/otp/verify')
        .set('X-Forwarded-For', attacker)
        .send({ email: email('limit'), code: '000000' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    expect(await metric(a, 'rate_limit_fallback_total', { limiter: 'verify' })).toBeGreaterThanOrEqual(10);

    await redis.start();
    await waitFor(async () => (await redisIs(a, 'ok')()) && (await redisIs(b, 'ok')()), 10_000, 'recovery');
    // The queue has connections of its own (ioredis): they are back within their reconnect backoff.
    await waitFor(
      () =>
        (a.container.queue as BullMailQueue).counts().then(
          () => true,
          () => false,
        ),
      10_000,
      'the email queue to reconnect',
    );

    const fallbacks = await metric(a, 'mail_queue_fallback_total');
    const after = await signIn(a, email('after-restart'));
    expect(await metric(a, 'mail_queue_fallback_total')).toBe(fallbacks);
    expect((await me(b, after)).status).toBe(200);
    const hits = await metric(b, 'cache_lookups_total', { cache: 'session', result: 'hit' });
    expect((await me(b, after)).status).toBe(200);
    expect(await metric(b, 'cache_lookups_total', { cache: 'session', result: 'hit' })).toBe(hits + 1);
    expect(await metric(a, 'redis_up')).toBe(1);
  }, 30_000);
});
