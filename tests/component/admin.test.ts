import { createHash } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { describeEachStorage } from '../helpers/services';

/**
 * The admin API (SECURITY 44, 45, 49, 53; checklist: API keys for admin endpoints, pagination,
 * analytics): X-API-Key only, identical 401s, users with cursor pagination, revoke and delete,
 * stats, suppressions, every response held to the OpenAPI document.
 */

type Storage = 'pglite' | 'postgres';
type SignedIn = Awaited<ReturnType<TestApp['signIn']>>;

const KEY = 'admin-key-one-0123456789abcdef';
const SECOND_KEY = 'admin-key-two-fedcba9876543210';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const keyId = (key: string) => sha256(key).slice(0, 8);
/** Two keys at once (rotation), the second given only as its digest. */
const ADMIN_ENV = { ADMIN_API_KEYS: `${KEY},sha256:${sha256(SECOND_KEY)}` };

let seq = 0;
const freshEmail = (label: string) => `admin-${label}-${++seq}-${Date.now()}@example.com`;
const bearer = (s: SignedIn) => `Bearer ${s.accessToken}`;
const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });

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
    });
    expect(JSON.stringify(res.body)).not.toMatch(/hash|code/i);
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

describe('admin authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
  });
  afterAll(async () => t.close());

  it('when the key is missing, wrong or of the wrong length, then the 401s are identical but for the request id', async () => {
    const missing = await t.http.get('/v1/admin/users');
    const wrong = await t.http.get('/v1/admin/users').set('X-API-Key', `${KEY.slice(0, -1)}x`);
    const wrongFirst = await t.http.get('/v1/admin/users').set('X-API-Key', `x${KEY.slice(1)}`);
    const short = await t.http.get('/v1/admin/users').set('X-API-Key', 'a');
    const long = await t.http.get('/v1/admin/users').set('X-API-Key', KEY.repeat(10));
    const digestAsKey = await t.http.get('/v1/admin/users').set('X-API-Key', `sha256:${sha256(SECOND_KEY)}`);

    for (const res of [missing, wrong, wrongFirst, short, long, digestAsKey]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe(missing.headers['www-authenticate']);
      expect(withoutRequestId(res.body)).toEqual(withoutRequestId(missing.body));
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      expectMatchesOpenApi(res, 'GET', '/v1/admin/users');
    }
    expect(missing.body.code).toBe('unauthorized');
  });

  it('when the key is sent in the query string, then it is ignored (401), never read', async () => {
    for (const name of ['api_key', 'apiKey', 'x-api-key', 'key']) {
      const res = await t.http.get(`/v1/admin/users?${name}=${encodeURIComponent(KEY)}`);
      expect(res.status).toBe(401);
    }
  });

  it("when a user's Bearer access token is presented, then it is refused on admin routes", async () => {
    const signedIn = await t.signIn(freshEmail('bearer'));

    const res = await t.http.get('/v1/admin/users').set('Authorization', bearer(signedIn));
    const both = await t.http
      .get('/v1/admin/stats')
      .set('Authorization', bearer(signedIn))
      .set('X-API-Key', signedIn.accessToken);

    expect(res.status).toBe(401);
    expect(both.status).toBe(401);
  });

  it('when either configured key (plain or as a sha256 digest) is used, then it works and the log names its id', async () => {
    const one = await t.http.get('/v1/admin/stats').set('X-API-Key', KEY);
    const two = await t.http.get('/v1/admin/stats').set('X-API-Key', SECOND_KEY);

    expect([one.status, two.status]).toEqual([200, 200]);
    const events = t.logs.filter((l) => l.event === 'admin.stats.viewed');
    expect(events).toContainEqual(
      expect.objectContaining({ keyId: keyId(KEY), requestId: one.headers['x-request-id'] }),
    );
    expect(events).toContainEqual(expect.objectContaining({ keyId: keyId(SECOND_KEY) }));
  });

  it('when admin requests fail and succeed, then no key ever appears in the logs', async () => {
    await t.http.get('/v1/admin/users').set('X-API-Key', 'an-attempted-wrong-key-123');
    await t.http.get('/v1/admin/users').set('X-API-Key', KEY);

    const all = t.rawLogs.join('\n');
    for (const secret of [KEY, SECOND_KEY, 'an-attempted-wrong-key-123', sha256(KEY), sha256(SECOND_KEY)])
      expect(all).not.toContain(secret);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        event: 'admin.auth.failed',
        reason: 'wrong_key',
        requestId: expect.any(String),
      }),
    );
  });

  it('when an unknown admin path is called, then 401 without a key and 404 with one', async () => {
    expect((await t.http.get('/v1/admin/nothing-here')).status).toBe(401);
    const res = await t.http.get('/v1/admin/nothing-here').set('X-API-Key', KEY);
    expect(res.status).toBe(404);
    expect((await t.http.put('/v1/admin/users').set('X-API-Key', KEY)).status).toBe(405);
  });
});

describe('admin API with no keys configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when ADMIN_API_KEYS is empty, then every admin route answers 403 "admin API disabled"', async () => {
    for (const res of [
      await t.http.get('/v1/admin/users'),
      await t.http.get('/v1/admin/stats').set('X-API-Key', KEY),
      await t.http.post('/v1/admin/ip-rules').set('X-API-Key', KEY).send({ cidr: '1.2.3.4', action: 'deny' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'forbidden', detail: 'admin API disabled' });
    }
    expectMatchesOpenApi(await t.http.get('/v1/admin/users'), 'GET', '/v1/admin/users');
  });

  it('when a key is malformed in the configuration, then boot is refused naming the entry, never the key', () => {
    const attempt = (keys: string) => () => loadConfig({ NODE_ENV: 'test', ADMIN_API_KEYS: keys });
    expect(attempt('sha256:abc')).toThrow(ConfigError);
    expect(attempt('sha256:abc')).toThrow(/ADMIN_API_KEYS entry 1: sha256: needs 64 hex digits/);
    expect(attempt(`${KEY},short-key`)).toThrow(
      /ADMIN_API_KEYS entry 2: a key must be at least 16 characters/,
    );
    expect(attempt(`${KEY},short-key`)).not.toThrow(/short-key/);
    expect(
      loadConfig({
        NODE_ENV: 'test',
        ADMIN_API_KEYS: ` ${KEY} , sha256:${sha256(SECOND_KEY).toUpperCase()} `,
      }).adminApiKeys,
    ).toHaveLength(2);
  });
});

describe('admin input validation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
  });
  afterAll(async () => t.close());
  const get = (path: string) => t.http.get(path).set('X-API-Key', KEY);

  it.each([["a@b.c' OR 1=1--"], ["'||pg_sleep(5)--"], ['x@example.com; DROP TABLE users'], ['%']])(
    'when the email filter is %j, then 400 at once, never 500 and no delay',
    async (filter) => {
      const started = Date.now();
      const res = await get(`/v1/admin/users?email=${encodeURIComponent(filter)}`);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
      expect(Date.now() - started).toBeLessThan(2_000);
      expectMatchesOpenApi(res, 'GET', '/v1/admin/users');
    },
  );

  it.each([
    ["cursor=' OR 1=1--"],
    [`cursor=${Buffer.from(`["2020-01-01T00:00:00Z","x' OR 1=1--"]`).toString('base64url')}`],
    [
      `cursor=${Buffer.from(`["'||pg_sleep(5)--","00000000-0000-4000-8000-000000000000"]`).toString('base64url')}`,
    ],
    ['limit=1;DROP TABLE users'],
    ['limit=0'],
    ['limit=101'],
    ['limit=1&limit=2'],
    ['email[$gt]='],
    ['email=a@example.com&cursor=abc'],
    ['role=admin'],
  ])('when the users query is ?%s, then 400', async (query) => {
    const started = Date.now();
    const res = await get(`/v1/admin/users?${query}`);

    expect(res.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ['an id', { cidr: '198.51.100.0/24', action: 'deny', id: '00000000-0000-4000-8000-000000000000' }],
    ['createdAt', { cidr: '198.51.100.0/24', action: 'deny', createdAt: '2000-01-01T00:00:00Z' }],
    ['a role', { cidr: '198.51.100.0/24', action: 'deny', role: 'admin' }],
    ['an unknown action', { cidr: '198.51.100.0/24', action: 'block' }],
    ['a bad cidr', { cidr: '198.51.100.0/33', action: 'deny' }],
    ['an injected cidr', { cidr: "1.2.3.4' OR 1=1--", action: 'deny' }],
    ['a control character in the note', { cidr: '198.51.100.0/24', action: 'deny', note: 'a\nb' }],
    ['an array', [{ cidr: '198.51.100.0/24', action: 'deny' }]],
  ])(
    'when an IP rule body carries %s, then 400 and nothing is stored (no mass assignment)',
    async (_label, body) => {
      const res = await t.http.post('/v1/admin/ip-rules').set('X-API-Key', KEY).send(body);

      expect(res.status).toBe(400);
      expectMatchesOpenApi(res, 'POST', '/v1/admin/ip-rules');
      expect(await t.container.store.ipRules.list()).toEqual([]);
    },
  );

  it('when a body carries __proto__, then it is dropped (Joi) and nothing is polluted; extra fields elsewhere are 400', async () => {
    const user = await t.container.store.users.upsertOnLogin(freshEmail('proto'), t.clock.now());
    const proto = await t.http
      .post('/v1/admin/ip-rules')
      .set('X-API-Key', KEY)
      .set('Content-Type', 'application/json')
      .send('{"cidr":"198.51.100.0/24","action":"deny","__proto__":{"isAdmin":true}}');
    const revoke = await t.http
      .post(`/v1/admin/users/${user.id}/revoke-sessions`)
      .set('X-API-Key', KEY)
      .send({ role: 'admin' });
    const suppress = await t.http
      .post('/v1/admin/suppressions')
      .set('X-API-Key', KEY)
      .send({ email: freshEmail('s'), reason: 'bounce', createdAt: '2000-01-01T00:00:00Z' });

    expect(proto.status).toBe(201);
    expect(Object.keys(proto.body).sort()).toEqual(['action', 'cidr', 'createdAt', 'id', 'note']);
    expect(proto.body.isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect([revoke.status, suppress.status]).toEqual([400, 400]);
    expect((await get(`/v1/admin/users/${user.id}`)).status).toBe(200);
    expect((await t.http.delete(`/v1/admin/ip-rules/${proto.body.id}`).set('X-API-Key', KEY)).status).toBe(
      204,
    );
  });
});

describe('admin email suppressions and delivery history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
  });
  afterAll(async () => t.close());
  const as = {
    get: (path: string) => t.http.get(path).set('X-API-Key', KEY),
    post: (path: string) => t.http.post(path).set('X-API-Key', KEY),
    delete: (path: string) => t.http.delete(path).set('X-API-Key', KEY),
  };

  it('when an address is suppressed by hand, then it is listed, gets no code, and can be released', async () => {
    const email = freshEmail('suppressed');

    const added = await as.post('/v1/admin/suppressions').send({ email: email.toUpperCase() });
    const again = await as.post('/v1/admin/suppressions').send({ email });
    const list = await as.get('/v1/admin/suppressions?limit=100');
    const request = await t.http.post('/v1/otp/request').send({ email });
    await t.container.queue.drain();
    const report = await as.get(`/v1/admin/emails/${encodeURIComponent(email)}/messages`);

    expect(added.status).toBe(201);
    expectMatchesOpenApi(added, 'POST', '/v1/admin/suppressions');
    expect(added.body).toEqual({ email, reason: 'manual', source: 'admin', createdAt: expect.any(String) });
    expect(again.status).toBe(200);
    expect(list.status).toBe(200);
    expectMatchesOpenApi(list, 'GET', '/v1/admin/suppressions');
    expect(list.body.data).toContainEqual(added.body);
    expect(request.status).toBe(202);
    expect(t.mailer.to(email)).toHaveLength(0);
    expect(report.status).toBe(200);
    expectMatchesOpenApi(report, 'GET', '/v1/admin/emails/{email}/messages');
    expect(report.body).toMatchObject({ email, suppression: added.body });

    const removed = await as.delete(`/v1/admin/suppressions/${encodeURIComponent(email)}`);
    expect(removed.status).toBe(204);
    expectMatchesOpenApi(removed, 'DELETE', '/v1/admin/suppressions/{email}');
    const missing = await as.delete(`/v1/admin/suppressions/${encodeURIComponent(email)}`);
    expect(missing.status).toBe(404);
    expectMatchesOpenApi(missing, 'DELETE', '/v1/admin/suppressions/{email}');
    expect(t.logs).toContainEqual(
      expect.objectContaining({ event: 'admin.suppression.removed', found: true }),
    );
    expect(t.rawLogs.join('\n')).not.toContain(email);
  });

  it('when an address has been mailed, then its delivery history lists the messages', async () => {
    const email = freshEmail('history');
    await t.requestCode(email);

    const res = await as.get(`/v1/admin/emails/${encodeURIComponent(email)}/messages?limit=5`);

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/v1/admin/emails/{email}/messages');
    expect(res.body.suppression).toBeNull();
    expect(res.body.messages.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(res.body)).not.toMatch(/\b\d{6}\b.*code|codeHash|otpId/);
  });

  it.each([["a@b.c' OR 1=1--"], ["'||pg_sleep(5)--"], ['not-an-email']])(
    'when the email in the path is %j, then 400 and never 500',
    async (email) => {
      const del = await as.delete(`/v1/admin/suppressions/${encodeURIComponent(email)}`);
      const history = await as.get(`/v1/admin/emails/${encodeURIComponent(email)}/messages`);

      expect([del.status, history.status]).toEqual([400, 400]);
      expectMatchesOpenApi(del, 'DELETE', '/v1/admin/suppressions/{email}');
      expectMatchesOpenApi(history, 'GET', '/v1/admin/emails/{email}/messages');
    },
  );
});
