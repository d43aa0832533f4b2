import { loadConfig } from '../../src/platform/config/config';
import { createTestPglite } from '../helpers/pglite';
import type { Queryable, SqlClient } from '../../src/platform/sql/sql-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectRefused, freshEmail, KEY } from './ip-rules-fixtures';

/**
 * IP allow/deny lists (SECURITY 16, 50; checklist "IP whitelist/blacklist"): a refused address
 * gets 403 before any processing (no mail, no OTP row, no query, no rate-limit budget), in
 * every spelling (CIDR, ::ffff:-mapped), whatever X-Forwarded-For says. Liveness always passes;
 * readiness is refused to a denied address, never to one an allowlist merely leaves out.
 * supertest connects from 127.0.0.1, which the server sees as ::ffff:127.0.0.1. Rules managed
 * through the admin API, and their reload across instances: ip-rules-admin.test.ts.
 */

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
