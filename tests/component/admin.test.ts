import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { describeEachStorage } from '../helpers/services';
import { ADMIN_ENV, KEY, SECOND_KEY, bearer, freshEmail, keyId, type Storage } from './admin-fixtures';

/**
 * The admin API (SECURITY 44, 45, 49, 53; checklist: API keys for admin endpoints, pagination,
 * analytics): X-API-Key only, identical 401s, users with cursor pagination, revoke and delete,
 * stats, suppressions, every response held to the OpenAPI document.
 */

describeEachStorage<Storage>(['pglite', 'postgres'], 'admin flows on %s', (storage) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await createTestApp({ storage, env: ADMIN_ENV });
  });
  afterAll(async () => t?.close());

  const storageIt = (name: string, body: (t: TestApp) => Promise<void>) =>
    it(name, async () => {
      if (!t) throw new Error('the app was not started');
      await body(t);
    });
  const admin = (t: TestApp, key = KEY) => ({
    get: (path: string) => t.http.get(path).set('X-API-Key', key),
    post: (path: string) => t.http.post(path).set('X-API-Key', key),
    delete: (path: string) => t.http.delete(path).set('X-API-Key', key),
  });

  storageIt(
    'when users are paged with ?limit=2, then every user is seen exactly once, in order',
    async (t) => {
      // Same created_at for several users: the id breaks the tie, so the cursor never skips or repeats.
      const at = t.clock.now();
      const created = [];
      for (let i = 0; i < 5; i++)
        created.push(await t.container.store.users.upsertOnLogin(freshEmail('page'), at));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;

      do {
        const res = await admin(t).get(`/v1/admin/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expectMatchesOpenApi(res, 'GET', '/v1/admin/users');
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((u: { id: string }) => u.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);

      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(await t.container.store.users.count());
      for (const u of created) expect(seen.filter((id) => id === u.id)).toHaveLength(1);
      expect(t.logs).toContainEqual(
        expect.objectContaining({
          event: 'admin.users.listed',
          keyId: keyId(KEY),
          requestId: expect.any(String),
        }),
      );
    },
  );

  storageIt(
    'when users are filtered by email in another spelling, then exactly that user comes back',
    async (t) => {
      const email = freshEmail('filter');
      const user = await t.container.store.users.upsertOnLogin(email, t.clock.now());

      const res = await admin(t).get(`/v1/admin/users?email=${encodeURIComponent(email.toUpperCase())}`);
      const none = await admin(t).get(`/v1/admin/users?email=${encodeURIComponent(freshEmail('nobody'))}`);

      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'GET', '/v1/admin/users');
      expect(res.body).toEqual({
        data: [
          { id: user.id, email, createdAt: user.createdAt.toISOString(), lastLoginAt: expect.any(String) },
        ],
        nextCursor: null,
      });
      expect(none.body).toEqual({ data: [], nextCursor: null });
    },
  );

  storageIt('when a user is fetched, then the user and their active session count come back', async (t) => {
    const email = freshEmail('detail');
    const first = await t.signIn(email);
    await t.signIn(email);
    await t.http.post('/v1/auth/logout').set('Authorization', bearer(first));

    const res = await admin(t).get(`/v1/admin/users/${first.user.id}`);

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/v1/admin/users/{id}');
    expect(res.body).toEqual({
      user: { id: first.user.id, email, createdAt: expect.any(String), lastLoginAt: expect.any(String) },
      activeSessions: 1,
      factors: { totp: null, recoveryCodes: { remaining: 0 } },
    });
    expect(JSON.stringify(res.body.user)).not.toMatch(/hash|code/i);
  });

  storageIt('when a user id is unknown or malformed, then 404, never 500', async (t) => {
    for (const id of [
      '00000000-0000-4000-8000-000000000000',
      'not-a-uuid',
      encodeURIComponent("' OR 1=1--"),
      '1',
    ]) {
      const get = await admin(t).get(`/v1/admin/users/${id}`);
      const revoke = await admin(t).post(`/v1/admin/users/${id}/revoke-sessions`);
      const del = await admin(t).delete(`/v1/admin/users/${id}`);
      for (const res of [get, revoke, del]) {
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
      expectMatchesOpenApi(get, 'GET', '/v1/admin/users/{id}');
      expectMatchesOpenApi(revoke, 'POST', '/v1/admin/users/{id}/revoke-sessions');
      expectMatchesOpenApi(del, 'DELETE', '/v1/admin/users/{id}');
    }
  });

  storageIt(
    "when a user's sessions are revoked, then their access and refresh tokens are refused at once",
    async (t) => {
      const email = freshEmail('revoke');
      const a = await t.signIn(email);
      const b = await t.signIn(email);
      const bystander = await t.signIn(freshEmail('bystander'));

      const res = await admin(t, SECOND_KEY).post(`/v1/admin/users/${a.user.id}/revoke-sessions`);

      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'POST', '/v1/admin/users/{id}/revoke-sessions');
      expect(res.body).toEqual({ revokedSessions: 2 });
      for (const s of [a, b]) {
        expect((await t.http.get('/v1/users/me').set('Authorization', bearer(s))).status).toBe(401);
        const rt = await t.http.post('/v1/auth/refresh').send({ refreshToken: s.refreshToken });
        expect(rt.status).toBe(401);
        expect((await t.container.store.sessions.findById(s.session.id))?.revokedReason).toBe('admin');
      }
      expect((await t.http.get('/v1/users/me').set('Authorization', bearer(bystander))).status).toBe(200);
      expect(t.logs).toContainEqual(
        expect.objectContaining({
          event: 'admin.user.sessions_revoked',
          keyId: keyId(SECOND_KEY),
          requestId: res.headers['x-request-id'],
          userId: a.user.id,
          revoked: 2,
        }),
      );
    },
  );

  storageIt(
    'when a user is deleted, then the user and their sessions are gone and the token is refused',
    async (t) => {
      const signedIn = await t.signIn(freshEmail('delete'));

      const res = await admin(t).delete(`/v1/admin/users/${signedIn.user.id}`);

      expect(res.status).toBe(204);
      expectMatchesOpenApi(res, 'DELETE', '/v1/admin/users/{id}');
      expect(await t.container.store.users.findById(signedIn.user.id)).toBeUndefined();
      expect(await t.container.store.sessions.findById(signedIn.session.id)).toBeUndefined();
      expect((await t.http.get('/v1/users/me').set('Authorization', bearer(signedIn))).status).toBe(401);
      expect(
        (await t.http.post('/v1/auth/refresh').send({ refreshToken: signedIn.refreshToken })).status,
      ).toBe(401);
      expect((await admin(t).delete(`/v1/admin/users/${signedIn.user.id}`)).status).toBe(404);
      expect(t.logs).toContainEqual(
        expect.objectContaining({ event: 'admin.user.deleted', userId: signedIn.user.id, found: true }),
      );
    },
  );

  storageIt(
    'when someone signs in, then the stats move: users, sessions, requests, verifications',
    async (t) => {
      const before = await admin(t).get('/v1/admin/stats');
      expect(before.status).toBe(200);
      expectMatchesOpenApi(before, 'GET', '/v1/admin/stats');

      const email = freshEmail('stats');
      const code = await t.requestCode(email);
      const wrong = code === '000000' ? '111111' : '000000';
      expect((await t.http.post('/v1/otp/verify').send({ email, code: wrong })).status).toBe(401);
      expect((await t.http.post('/v1/otp/verify').send({ email, code })).status).toBe(200);
      const after = await admin(t).get('/v1/admin/stats');

      expectMatchesOpenApi(after, 'GET', '/v1/admin/stats');
      const [b, a] = [before.body, after.body];
      expect(a.users).toBe(b.users + 1);
      expect(a.activeSessions).toBe(b.activeSessions + 1);
      expect(a.usage.otpRequests.total).toBe(b.usage.otpRequests.total + 1);
      expect(a.usage.otpRequests.byOutcome.queued).toBe((b.usage.otpRequests.byOutcome.queued ?? 0) + 1);
      expect(a.usage.verifications.success).toBe(b.usage.verifications.success + 1);
      expect(a.usage.verifications.failure).toBe(b.usage.verifications.failure + 1);
      expect(a.usage.sessionsCreated).toBe(b.usage.sessionsCreated + 1);
      expect(a.usage.since).toBe(b.usage.since);
    },
  );
});
