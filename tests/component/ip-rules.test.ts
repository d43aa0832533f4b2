import { loadConfig } from '../../src/platform/config/config';
import { createTestPglite } from '../helpers/pglite';
import type { Queryable, SqlClient } from '../../src/platform/sql/sql-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { describeWith } from '../helpers/services';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * IP allow/deny lists (SECURITY 16, 50; checklist "IP whitelist/blacklist"): a refused address
 * gets 403 before any processing (no mail, no OTP row, no query, no rate-limit budget), in
 * every spelling (CIDR, ::ffff:-mapped), whatever X-Forwarded-For says. Liveness always passes;
 * readiness is refused to a denied address, never to one an allowlist merely leaves out.
 * supertest connects from 127.0.0.1, which the server sees as ::ffff:127.0.0.1.
 */

const KEY = 'ip-rules-admin-key-0123456789';
let seq = 0;
const freshEmail = (label: string) => `ip-${label}-${++seq}-${Date.now()}@example.com`;

/** A PGlite client that counts every statement and transaction, to show a refused request makes none. */
async function countingStore() {
  const client = await createTestPglite();
  const counter = { queries: 0 };
  const counted = (q: Queryable): Queryable => ({
    query: (text, params) => {
      counter.queries++;
      return q.query(text, params);
    },
  });
  const wrapped: SqlClient = {
    kind: client.kind,
    query: (text, params) => counted(client).query(text, params),
    transaction: (work) => {
      counter.queries++;
      return client.transaction((tx) => work(counted(tx)));
    },
    close: () => client.close(),
  };
  return { store: createSqlStore(wrapped), counter };
}

async function expectRefused(res: {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}) {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ code: 'forbidden', status: 403 });
  expect(res.body.detail).toBeUndefined();
}

describe('IP_DENYLIST from config denies the caller (127.0.0.1)', () => {
  let t: TestApp;
  let counter: { queries: number };
  beforeAll(async () => {
    const counting = await countingStore();
    counter = counting.counter;
    t = await createTestApp({
      env: { IP_DENYLIST: '192.0.2.1, 127.0.0.1', ADMIN_API_KEYS: KEY },
      overrides: { store: counting.store },
    });
  });
  afterAll(async () => t.close());

  it('when the denied address asks for a code, then 403 with no query, no OTP row and no email', async () => {
    const email = freshEmail('denied');
    const before = counter.queries;

    const res = await t.http.post('/v1/otp/request').send({ email });
    const verify = await t.http.post('/v1/otp/verify').send({ email, code: '123456' });
    await t.container.queue.drain();

    await expectRefused(res);
    await expectRefused(verify);
    expectMatchesOpenApi(res, 'POST', '/v1/otp/request');
    expect(counter.queries).toBe(before);
    expect(await t.container.store.otps.latestCreatedAt(email)).toBeUndefined();
    expect(t.mailer.sent).toHaveLength(0);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        event: 'ip.denied',
        reason: 'denied',
        requestId: res.headers['x-request-id'],
      }),
    );
  });

  it('when the denied address sends a spoofed X-Forwarded-For, then it is still 403 (trust proxy is off)', async () => {
    for (const xff of ['198.51.100.9', '198.51.100.9, 10.0.0.1', '::1']) {
      const res = await t.http
        .post('/v1/otp/request')
        .set('X-Forwarded-For', xff)
        .send({ email: freshEmail('xff') });
      await expectRefused(res);
    }
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('when the denied address calls the admin API, metrics or an unknown path, then 403 there too', async () => {
    for (const res of [
      await t.http.get('/v1/admin/users').set('X-API-Key', KEY),
      await t.http.get('/metrics'),
      await t.http.get('/does-not-exist'),
      await t.http.post('/v1/otp/request').set('Content-Type', 'text/plain').send('x'),
    ])
      await expectRefused(res);
  });

  it('when the denied address probes, then liveness passes (no restart loop) and readiness is 403 with no query', async () => {
    const before = counter.queries;

    const ready = await t.http.get('/health/ready');

    await expectRefused(ready);
    expectMatchesOpenApi(ready, 'GET', '/health/ready');
    expect(counter.queries).toBe(before);
    expect((await t.http.get('/health/live')).status).toBe(200);
    expect((await t.http.head('/health/live')).status).toBe(200);
  });

  it('when requests are refused, then a bounded counter records it', async () => {
    const text = await t.container.metrics.registry.getSingleMetricAsString('ip_rule_denials_total');
    expect(text).toMatch(/ip_rule_denials_total\{reason="denied"\} [1-9]/);
  });
});

describe.each([
  ['a CIDR', '127.0.0.0/8'],
  ['the ::ffff:-mapped form', '::ffff:127.0.0.1'],
  ['a mapped CIDR', '::ffff:127.0.0.0/104'],
  ['a host address inside the CIDR', '127.1.2.3/8'],
])('IP_DENYLIST written as %s (%s)', (_label, rule) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { IP_DENYLIST: rule } });
  });
  afterAll(async () => t.close());

  it('when 127.0.0.1 asks for a code, then 403 and no email', async () => {
    const res = await t.http.post('/v1/otp/request').send({ email: freshEmail('cidr') });
    await t.container.queue.drain();

    await expectRefused(res);
    expect(t.mailer.sent).toHaveLength(0);
    expect((await t.http.get('/health/live')).status).toBe(200);
  });
});

describe('IP_DENYLIST that does not cover the caller', () => {
  it('when only other addresses are denied, then 127.0.0.1 is served', async () => {
    const t = await createTestApp({ env: { IP_DENYLIST: '::1,10.0.0.0/8,127.0.0.2' } });
    try {
      expect((await t.http.post('/v1/otp/request').send({ email: freshEmail('other') })).status).toBe(202);
    } finally {
      await t.close();
    }
  });

  it('when an IP list entry is not an address, then boot is refused naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', IP_DENYLIST: '1.2.3.4,nope' })).toThrow(
      /IP_DENYLIST: "nope" is not an IP address or CIDR/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', IP_ALLOWLIST: '10.0.0.0/40' })).toThrow(/IP_ALLOWLIST/);
    expect(loadConfig({ NODE_ENV: 'test', IP_DENYLIST: '10.1.2.3/8' }).ipRules.deny).toEqual(['10.0.0.0/8']);
  });
});

describe('IP_ALLOWLIST (allowlist mode)', () => {
  it('when the caller is not listed, then 403 everywhere but the probes (an allowlist does not gate readiness)', async () => {
    const t = await createTestApp({ env: { IP_ALLOWLIST: '198.51.100.0/24' } });
    try {
      const res = await t.http.post('/v1/otp/request').send({ email: freshEmail('unlisted') });
      await expectRefused(res);
      expect(t.logs).toContainEqual(
        expect.objectContaining({ event: 'ip.denied', reason: 'not_allowlisted' }),
      );
      expect((await t.http.get('/health/ready')).status).toBe(200);
      expect(t.mailer.sent).toHaveLength(0);
    } finally {
      await t.close();
    }
  });

  it('when the caller is listed, then it is served, unless it is also denied (deny wins)', async () => {
    const listed = await createTestApp({ env: { IP_ALLOWLIST: '127.0.0.1,198.51.100.0/24' } });
    const both = await createTestApp({ env: { IP_ALLOWLIST: '127.0.0.0/8', IP_DENYLIST: '127.0.0.1' } });
    try {
      expect((await listed.http.post('/v1/otp/request').send({ email: freshEmail('listed') })).status).toBe(
        202,
      );
      await expectRefused(await both.http.post('/v1/otp/request').send({ email: freshEmail('both') }));
    } finally {
      await listed.close();
      await both.close();
    }
  });
});

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
