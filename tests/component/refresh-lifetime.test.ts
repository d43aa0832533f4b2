import { createHash } from 'node:crypto';
import { createTestPglite } from '../helpers/pglite';
import type { SqlClient } from '../../src/platform/sql/sql-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { createTempDatabase } from '../helpers/databases';
import { describeWith } from '../helpers/services';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** SECURITY 18 (entropy, hashed storage), 21 (revocation survives a restart), 24 (expiry), 45. */

const HOUR = 3_600_000;
const refresh = (t: TestApp, refreshToken: unknown) => t.http.post('/v1/auth/refresh').send({ refreshToken });

describe('refresh tokens at rest and over time (PGlite)', () => {
  let t: TestApp;
  let db: SqlClient;
  beforeAll(async () => {
    db = await createTestPglite();
    t = await createTestApp({ overrides: { store: createSqlStore(db) } });
  });
  afterAll(async () => t.close());

  it('when tokens are issued, then each is ≥256 random bits and only its SHA-256 is stored', async () => {
    const signedIn = await t.signIn('at-rest@example.com');
    const rotated = await refresh(t, signedIn.refreshToken);
    expect(rotated.status).toBe(200);

    for (const raw of [signedIn.refreshToken, rotated.body.refreshToken as string]) {
      expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(raw, 'base64url').length).toBeGreaterThanOrEqual(32);
      const hash = createHash('sha256').update(raw).digest('hex');
      const byRaw = await t.container.store.refreshTokens.findByHash(raw);
      const byHash = await t.container.store.refreshTokens.findByHash(hash);
      expect(byRaw).toBeUndefined();
      expect(byHash?.sessionId).toBe(signedIn.session.id);
    }
    const dump = JSON.stringify([
      await db.query('SELECT * FROM refresh_tokens'),
      await db.query('SELECT * FROM sessions'),
      await db.query('SELECT * FROM users'),
    ]);
    expect(dump).not.toContain(signedIn.refreshToken);
    expect(dump).not.toContain(rotated.body.refreshToken);
  });

  it('when the session has been idle longer than SESSION_EXPIRY_HOURS, then refresh answers session_expired', async () => {
    const signedIn = await t.signIn('idle@example.com');
    t.clock.advance(24 * HOUR + 1000);

    const res = await refresh(t, signedIn.refreshToken);

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('session_expired');
    expectMatchesOpenApi(res, 'POST', '/v1/auth/refresh');
  });

  it('when refreshes keep the session busy, then the idle window slides', async () => {
    const signedIn = await t.signIn('sliding@example.com');
    let rt = signedIn.refreshToken;
    for (let i = 0; i < 3; i++) {
      t.clock.advance(20 * HOUR);
      const res = await refresh(t, rt);
      expect(res.status).toBe(200);
      expect(new Date(res.body.session.expiresAt).getTime()).toBe(t.clock.now().getTime() + 24 * HOUR);
      rt = res.body.refreshToken;
    }
  });

  it.each([
    ['an unknown token', 'A'.repeat(43)],
    ['SQL injection', "' OR 1=1--"],
    ['a pg_sleep payload', "'||pg_sleep(5)--"],
    ['an over-long token', 'a'.repeat(129)],
    ['an empty string', ''],
    ['a number', 12345],
    ['an object', { $ne: null }],
    ['an array', ['a', 'b']],
    ['null', null],
  ])('when the refresh token is %s, then 400 or 401 and never 500', async (_label, value) => {
    const started = Date.now();

    const res = await refresh(t, value);

    expect([400, 401]).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectMatchesOpenApi(res, 'POST', '/v1/auth/refresh');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('absolute session lifetime (PGlite, SESSION_ABSOLUTE_EXPIRY_DAYS=1, SESSION_EXPIRY_HOURS=10)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SESSION_ABSOLUTE_EXPIRY_DAYS: '1', SESSION_EXPIRY_HOURS: '10' } });
  });
  afterAll(async () => t.close());

  it('when a session is refreshed every six hours, then it still ends one day after sign-in', async () => {
    const signedIn = await t.signIn('absolute@example.com');
    const absolute = new Date(
      (signedIn.session as { absoluteExpiresAt?: string }).absoluteExpiresAt as string,
    ).getTime();
    let rt = signedIn.refreshToken;
    let last: Awaited<ReturnType<typeof refresh>> | undefined;
    while (t.clock.now().getTime() + 6 * HOUR < absolute) {
      t.clock.advance(6 * HOUR);
      last = await refresh(t, rt);
      expect(last.status).toBe(200);
      rt = last.body.refreshToken;
    }
    // The last refresh before the end may not extend the idle window past the absolute limit.
    expect(new Date(last?.body.session.expiresAt).getTime()).toBe(absolute);
    t.clock.set(new Date(absolute + 1000));

    const res = await refresh(t, rt);

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('session_expired');
    const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${last?.body.accessToken}`);
    expect(me.status).toBe(401);
  });
});

describeWith('postgres', 'a reuse revocation survives a restart (PostgreSQL)', () => {
  it('when the app restarts over the same database after a reuse, then the latest token is still refused', async () => {
    const temp = await createTempDatabase();
    try {
      const first = await createTestApp({ storage: 'postgres', postgresUrl: temp.url });
      const signedIn = await first.signIn('restart@example.com');
      const chain = [signedIn.refreshToken];
      let accessToken = signedIn.accessToken;
      for (let i = 0; i < 3; i++) {
        const res = await refresh(first, chain[i]);
        chain.push(res.body.refreshToken);
        accessToken = res.body.accessToken;
      }
      first.clock.advance(11_000);
      expect((await refresh(first, chain[0])).body.code).toBe('refresh_token_reused');
      await first.close();

      const second = await createTestApp({ storage: 'postgres', postgresUrl: temp.url });
      const rt3 = await refresh(second, chain[3]);
      const me = await second.http.get('/v1/users/me').set('Authorization', `Bearer ${accessToken}`);
      const stored = await second.container.store.sessions.findById(signedIn.session.id);
      await second.close();

      expect(rt3.status).toBe(401);
      expect(me.status).toBe(401);
      expect(stored?.revokedReason).toBe('refresh_token_reused');
    } finally {
      await temp.drop();
    }
  });
});
