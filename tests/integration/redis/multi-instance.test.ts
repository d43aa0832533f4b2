import { ManualClock } from '../../../src/platform/clock';
import { createTempDatabase } from '../../helpers/databases';
import { expectMatchesOpenApi } from '../../helpers/openapi-assert';
import { SHARED_REDIS_URL, dumpKeys, metricValue, uniquePrefix } from '../../helpers/redis-server';
import { describeWith } from '../../helpers/services';
import { closeInstances, untilRedisReady } from '../../helpers/instances';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * Two app instances (two containers, each with its own caches and Redis connection) over one
 * PostgreSQL database and the shared Redis behave as one service (issue 4; SECURITY 27).
 */
describeWith(['postgres', 'redis'], 'two instances over one database and one Redis', () => {
  const prefix = uniquePrefix();
  const clock = new ManualClock(new Date());
  let db: { url: string; drop: () => Promise<void> };
  let a: TestApp;
  let b: TestApp;
  let seq = 0;
  const email = (label: string) => `multi-${label}-${++seq}@example.com`;
  /** Each flow from its own address, so only the limit test spends a verify budget. */
  const ip = () => `10.0.${++seq}.1`;

  const instance = (postgresUrl: string, worker: boolean) =>
    createTestApp({
      storage: 'postgres',
      postgresUrl,
      env: {
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        VERIFY_RATE_LIMIT_PER_5_MIN: '6',
        TRUST_PROXY: '1',
        EMAIL_WORKER_IN_PROCESS: String(worker),
      },
      overrides: { clock },
    });

  /** A sign-in through A: the code is mailed by A's worker (B sends none: its worker is off). */
  const signInOnA = async (address: string) => {
    const code = await a.requestCode(address);
    const res = await a.http
      .post('/v1/otp/verify')
      .set('X-Forwarded-For', ip())
      .send({ email: address, code });
    expect(res.status).toBe(200);
    clock.advance(61_000);
    return res.body as {
      accessToken: string;
      refreshToken: string;
      user: { id: string };
      session: { id: string };
    };
  };
  const me = (t: TestApp, token: string) =>
    t.http.get('/v1/users/me').set('Authorization', `Bearer ${token}`);
  const hits = (t: TestApp, cache: string) =>
    metricValue(t.container.metrics.registry, 'cache_lookups_total', { cache, result: 'hit' });

  beforeAll(async () => {
    db = await createTempDatabase();
    a = await instance(db.url, true);
    b = await instance(db.url, false);
    await untilRedisReady(a, b);
  });

  afterAll(() => closeInstances([a, b], db, prefix));

  it('when both instances run, then readiness names redis ok', async () => {
    const res = await b.http.get('/health/ready');
    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/health/ready');
    expect(res.body.status).toBe('ok');
    expect(res.body.checks).toMatchObject({ database: 'ok', redis: 'ok' });
  });

  it('when a code is requested on A, then it verifies on B', async () => {
    const address = email('cross');
    const code = await a.requestCode(address);

    const res = await b.http
      .post('/v1/otp/verify')
      .set('X-Forwarded-For', ip())
      .send({ email: address, code });

    expect(res.status).toBe(200);
    expect(b.mailer.sent).toHaveLength(0);
  });

  it('when B has the session cached and A logs out, then B refuses the token on its next request', async () => {
    const s = await signInOnA(email('logout'));
    expect((await me(b, s.accessToken)).status).toBe(200);
    const before = await hits(b, 'session');
    expect((await me(b, s.accessToken)).status).toBe(200);
    expect(await hits(b, 'session')).toBeGreaterThan(before);

    expect(
      (await a.http.post('/v1/auth/logout').set('Authorization', `Bearer ${s.accessToken}`)).status,
    ).toBe(204);

    const res = await me(b, s.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('when a rotated refresh token is reused on A, then the cached session is refused on B at once', async () => {
    const s = await signInOnA(email('reuse'));
    expect((await me(b, s.accessToken)).status).toBe(200);
    const rotated = await a.http.post('/v1/auth/refresh').send({ refreshToken: s.refreshToken });
    expect(rotated.status).toBe(200);
    expect((await me(b, rotated.body.accessToken)).status).toBe(200);
    clock.advance(11_000); // past the reuse grace window

    const reuse = await a.http.post('/v1/auth/refresh').send({ refreshToken: s.refreshToken });

    expect(reuse.status).toBe(401);
    expect((await me(b, rotated.body.accessToken)).status).toBe(401);
    expect(
      (await b.http.post('/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken })).status,
    ).toBe(401);
  });

  it('when the user signs in again on A, then /users/me on B shows the new lastLoginAt, not the cached one', async () => {
    const address = email('relogin');
    const first = await signInOnA(address);
    const cached = await me(b, first.accessToken);
    expect((await me(b, first.accessToken)).body).toEqual(cached.body);
    expect(await hits(b, 'user')).toBeGreaterThan(0);

    await signInOnA(address);

    const fresh = await me(b, first.accessToken);
    expect(fresh.status).toBe(200);
    expect(new Date(fresh.body.lastLoginAt).getTime()).toBeGreaterThan(
      new Date(cached.body.lastLoginAt).getTime(),
    );
  });

  it('when a user is deleted and the change is announced on A, then B answers 401 for their cached token', async () => {
    const s = await signInOnA(email('deleted'));
    expect((await me(b, s.accessToken)).status).toBe(200);

    await a.container.store.users.delete(s.user.id);
    await a.container.onUserChanged(s.user.id);

    expect((await me(b, s.accessToken)).status).toBe(401);
  });

  it('when an IP spends its verify budget across A and B, then both answer 429 with the RateLimit headers', async () => {
    const attacker = '203.0.113.77';
    const verify = (t: TestApp) =>
      t.http
        .post('/v1/otp/verify')
        .set('X-Forwarded-For', attacker)
        .send({ email: email('limit'), code: '000000' });
    for (let i = 0; i < 3; i++) {
      expect((await verify(a)).status).toBe(401);
      expect((await verify(b)).status).toBe(401);
    }

    const onA = await verify(a);
    const onB = await verify(b);

    for (const res of [onA, onB]) {
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.headers.ratelimit).toMatch(/limit=6, remaining=0/);
    }
  });

  it('when a code is requested on A, then the resend cooldown holds on B too (budgets live in the database)', async () => {
    const address = email('cooldown');
    await a.requestCode(address);

    const res = await b.http.post('/v1/otp/request').send({ email: address });

    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when codes were mailed, then no code appears anywhere in Redis (keys or values)', async () => {
    const address = email('scan');
    const code = await a.requestCode(address);

    const dump = await dumpKeys(SHARED_REDIS_URL, prefix);

    expect(dump.length).toBeGreaterThan(0);
    expect(dump).not.toContain(code);
  });
});
