import { createTestPglite } from '../helpers/pglite';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { READY_LIMIT_PER_MINUTE } from '../../src/platform/http/meta.routes';
import { createSqlStore } from '../../src/store/sql/sql-store';
import type { Store } from '../../src/store/store';

/**
 * /health/ready needs no sign-in and reads the database: under a flood it makes at most one
 * database check a second (callers in between share it), each address has a budget of its
 * own, and a denied address is refused before any check.
 */

/** The real store, its ping counted and held until the test lets it through. */
async function countingStore() {
  const base = createSqlStore(await createTestPglite());
  const counter = { pings: 0 };
  let gate: Promise<void> = Promise.resolve();
  let release = () => undefined as void;
  const store: Store = {
    ...base,
    ping: async () => {
      counter.pings++;
      await gate;
      return base.ping();
    },
  };
  const hold = () => {
    gate = new Promise<void>((r) => (release = r));
  };
  return { store, counter, hold, release: () => release() };
}

describe('/health/ready under a flood', () => {
  let t: TestApp;
  let db: Awaited<ReturnType<typeof countingStore>>;
  beforeAll(async () => {
    db = await countingStore();
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback' }, overrides: { store: db.store } });
  });
  afterAll(async () => t.close());

  it('when 20 probes arrive together and more follow within the second, then the database is checked once', async () => {
    db.hold();
    const before = db.counter.pings;
    const started = performance.now();

    const pending = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http.get('/health/ready').set('X-Forwarded-For', `198.51.100.${i + 1}`),
      ),
    );
    // The first check is held while the others arrive: they wait for it, not for a check of their own.
    await new Promise((r) => setTimeout(r, 200));
    db.release();
    const answers = await pending;
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await t.http.get('/health/ready'));
    const elapsed = performance.now() - started;

    for (const res of [...answers, ...more]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
      expectMatchesOpenApi(res, 'GET', '/health/ready');
    }
    // One check per started second at most; on an idle machine all 25 fit in the first one.
    const pings = db.counter.pings - before;
    if (elapsed < 900) expect(pings).toBe(1);
    else expect(pings).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
  });

  it('when one address probes past its budget, then 429 with Retry-After, and other addresses are still answered', async () => {
    const from = (ip: string) => t.http.get('/health/ready').set('X-Forwarded-For', ip);
    for (let i = 0; i < READY_LIMIT_PER_MINUTE; i++) expect((await from('203.0.113.9')).status).toBe(200);

    const refused = await from('203.0.113.9');
    const other = await from('203.0.113.10');

    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectMatchesOpenApi(refused, 'GET', '/health/ready');
    expect(other.status).toBe(200);
    expect((await t.http.get('/health/live').set('X-Forwarded-For', '203.0.113.9')).status).toBe(200);
  });
});

describe('/health/ready and the IP rules', () => {
  it('when a denied address asks, then 403 before any database check; an unlisted one (allowlist) is answered', async () => {
    const db = await countingStore();
    const t = await createTestApp({
      env: { TRUST_PROXY: 'loopback', IP_DENYLIST: '192.0.2.0/24', IP_ALLOWLIST: '198.51.100.0/24' },
      overrides: { store: db.store },
    });
    try {
      const before = db.counter.pings;
      const denied = await t.http.get('/health/ready').set('X-Forwarded-For', '192.0.2.7');

      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('forbidden');
      expectMatchesOpenApi(denied, 'GET', '/health/ready');
      expect(db.counter.pings).toBe(before);
      expect((await t.http.get('/health/live').set('X-Forwarded-For', '192.0.2.7')).status).toBe(200);
      const unlisted = await t.http.get('/health/ready').set('X-Forwarded-For', '203.0.113.5');
      expect(unlisted.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
