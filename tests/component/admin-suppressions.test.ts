import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { ADMIN_ENV, KEY, freshEmail } from './admin-fixtures';

/** The admin API's input validation, email suppressions and delivery history. */

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
