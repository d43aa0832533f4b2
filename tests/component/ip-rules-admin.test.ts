/** IP rules managed through the admin API behind a trusted proxy, and their reload across instances. */
import { describeWith } from '../helpers/services';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectRefused, freshEmail, KEY } from './ip-rules-fixtures';

describe('an admin deny rule behind a trusted proxy, with a general limit of 3', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_API_KEYS: KEY, TRUST_PROXY: 'loopback', RATE_LIMIT_MAX_REQUESTS: '3' },
    });
  });
  afterAll(async () => t.close());
  const admin = {
    get: (path: string) => t.http.get(path).set('X-API-Key', KEY),
    post: (path: string) => t.http.post(path).set('X-API-Key', KEY),
    delete: (path: string) => t.http.delete(path).set('X-API-Key', KEY),
  };
  const from = (ip: string, email = freshEmail('proxied')) =>
    t.http.post('/v1/otp/request').set('X-Forwarded-For', ip).send({ email });

  it('when a network is denied, then it is refused at once without spending its budget, and served at once when the rule goes', async () => {
    const created = await admin
      .post('/v1/admin/ip-rules')
      .send({ cidr: '203.0.113.9/24', action: 'deny', note: 'abuse' });
    expect(created.status).toBe(201);
    expectMatchesOpenApi(created, 'POST', '/v1/admin/ip-rules');
    expect(created.body).toMatchObject({ cidr: '203.0.113.0/24', action: 'deny', note: 'abuse' });
    expect(created.headers.location).toBe(`/v1/admin/ip-rules/${created.body.id}`);

    const email = freshEmail('blocked');
    for (let i = 0; i < 5; i++) await expectRefused(await from('203.0.113.7', email));
    // The proxy appends the real client: a forged left-hand entry does not change who it is.
    await expectRefused(await from('198.51.100.1, 203.0.113.7', email));
    await t.container.queue.drain();
    expect(t.mailer.to(email)).toHaveLength(0);
    expect(await t.container.store.otps.latestCreatedAt(email)).toBeUndefined();
    expect((await from('198.51.100.1')).status).toBe(202);

    const removed = await admin.delete(`/v1/admin/ip-rules/${created.body.id}`);
    expect(removed.status).toBe(204);
    expectMatchesOpenApi(removed, 'DELETE', '/v1/admin/ip-rules/{id}');

    const served = await from('203.0.113.7', email);
    expect(served.status).toBe(202);
    // Six refused requests spent nothing of the general limit of 3.
    expect(served.headers.ratelimit).toMatch(/remaining=2/);
    await t.container.queue.drain();
    expect(t.mailer.to(email)).toHaveLength(1);
    expect((await admin.delete(`/v1/admin/ip-rules/${created.body.id}`)).status).toBe(404);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        event: 'admin.ip_rule.created',
        cidr: '203.0.113.0/24',
        action: 'deny',
        keyId: expect.any(String),
      }),
    );
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'admin.ip_rule.deleted', found: true }));
  });
});

describe('admin-managed IP rules behind a trusted proxy (TRUST_PROXY=loopback)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_API_KEYS: KEY, TRUST_PROXY: 'loopback' },
    });
  });
  afterAll(async () => t.close());
  const admin = {
    get: (path: string) => t.http.get(path).set('X-API-Key', KEY),
    post: (path: string) => t.http.post(path).set('X-API-Key', KEY),
    delete: (path: string) => t.http.delete(path).set('X-API-Key', KEY),
  };
  const from = (ip: string, email = freshEmail('proxied')) =>
    t.http.post('/v1/otp/request').set('X-Forwarded-For', ip).send({ email });

  it('when rules are listed, then stored and configured rules come back; a repeat POST returns the stored rule', async () => {
    const first = await admin.post('/v1/admin/ip-rules').send({ cidr: '2001:db8::1/32', action: 'deny' });
    const again = await admin.post('/v1/admin/ip-rules').send({ cidr: '2001:DB8::/32', action: 'deny' });
    const list = await admin.get('/v1/admin/ip-rules');

    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expectMatchesOpenApi(again, 'POST', '/v1/admin/ip-rules');
    expect(again.body.id).toBe(first.body.id);
    expect(list.status).toBe(200);
    expectMatchesOpenApi(list, 'GET', '/v1/admin/ip-rules');
    expect(list.body).toEqual({ data: [first.body], config: { deny: [], allow: [] } });
    await expectRefused(await from('2001:db8:1::5'));
    expect((await admin.delete(`/v1/admin/ip-rules/${first.body.id}`)).status).toBe(204);
  });

  it("when a rule would refuse the admin's own address, then 400 and nothing changes", async () => {
    const own = await admin.post('/v1/admin/ip-rules').send({ cidr: '127.0.0.0/8', action: 'deny' });
    const allowOthers = await admin
      .post('/v1/admin/ip-rules')
      .send({ cidr: '198.51.100.0/24', action: 'allow' });

    for (const res of [own, allowOthers]) {
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/would refuse the address this request comes from/);
      expectMatchesOpenApi(res, 'POST', '/v1/admin/ip-rules');
    }
    expect((await admin.get('/v1/admin/ip-rules')).body.data).toEqual([]);
  });

  it('when allow rules are added, then only listed addresses pass, probes still do, and removing them reopens', async () => {
    const self = await admin.post('/v1/admin/ip-rules').send({ cidr: '127.0.0.1', action: 'allow' });
    const partner = await admin.post('/v1/admin/ip-rules').send({ cidr: '198.51.100.0/24', action: 'allow' });
    expect([self.status, partner.status]).toEqual([201, 201]);

    expect((await from('198.51.100.20')).status).toBe(202);
    await expectRefused(await from('192.0.2.50'));
    expect((await t.http.get('/health/live').set('X-Forwarded-For', '192.0.2.50')).status).toBe(200);

    expect((await admin.delete(`/v1/admin/ip-rules/${partner.body.id}`)).status).toBe(204);
    expect((await admin.delete(`/v1/admin/ip-rules/${self.body.id}`)).status).toBe(204);
    expect((await from('192.0.2.50')).status).toBe(202);
  });
});

describe('convergence: rules written elsewhere are picked up by the periodic reload', () => {
  it('when another instance stores a rule, then this one applies it within IP_RULES_REFRESH_SECONDS', async () => {
    const t = await createTestApp({ env: { IP_RULES_REFRESH_SECONDS: '1', TRUST_PROXY: 'loopback' } });
    try {
      const ask = () =>
        t.http
          .post('/v1/otp/request')
          .set('X-Forwarded-For', '192.0.2.77')
          .send({ email: freshEmail('conv') });
      expect((await ask()).status).toBe(202);
      // Written straight to the database, as another instance would.
      const { rule } = await t.container.store.ipRules.create({
        cidr: '192.0.2.0/24',
        action: 'deny',
        note: null,
        createdAt: new Date(),
      });
      const deadline = Date.now() + 5_000;
      let status = 202;
      while (status !== 403 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await ask()).status;
      }
      expect(status).toBe(403);
      await t.container.store.ipRules.delete(rule.id);
    } finally {
      await t.close();
    }
  });

  describeWith('postgres', 'over a shared PostgreSQL', () => {
    it('when two instances share PostgreSQL, then a rule added through one reaches the other on reload', async () => {
      const a = await createTestApp({
        storage: 'postgres',
        env: { ADMIN_API_KEYS: KEY, TRUST_PROXY: 'loopback' },
      });
      try {
        const url = a.container.config.storage.kind === 'postgres' ? a.container.config.storage.url : '';
        const b = await createTestApp({
          storage: 'postgres',
          postgresUrl: url,
          env: { TRUST_PROXY: 'loopback' },
        });
        try {
          const ask = (t: TestApp) =>
            t.http
              .post('/v1/otp/request')
              .set('X-Forwarded-For', '203.0.113.50')
              .send({ email: freshEmail('pg') });
          const created = await a.http
            .post('/v1/admin/ip-rules')
            .set('X-API-Key', KEY)
            .send({ cidr: '203.0.113.50', action: 'deny' });
          expect(created.status).toBe(201);
          await expectRefused(await ask(a));

          await b.container.ipRules.reload();
          await expectRefused(await ask(b));

          expect(
            (await a.http.delete(`/v1/admin/ip-rules/${created.body.id}`).set('X-API-Key', KEY)).status,
          ).toBe(204);
          await b.container.ipRules.reload();
          expect((await ask(b)).status).toBe(202);
        } finally {
          await b.container.close();
        }
      } finally {
        await a.close();
      }
    });
  });
});
