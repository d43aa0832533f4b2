import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { describeEachStorage } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The admin audit log (docs/admin.md, "Audit log"): each mutating admin action and each refused
 * admin request is an entry in the database, listed newest first by GET /v1/admin/audit with
 * the key's id, never the key or an address; the sweep drops entries past the retention.
 */
type Storage = 'pglite' | 'postgres';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const keyId = (key: string) => sha256(key).slice(0, 8);

const KEY = 'audit-both-Vq3xN8pL2mR7tY0wZ5sK9dF4';
const READ = 'audit-read-Hn2Lk8Pq4Wz6Xc1Vb7Nm3Jt9';
const WRITE = 'audit-write-Ty6Ui2Op8As4Df1Gh7Jk3L';
const ADMIN_API_KEYS = [KEY, `sha256:${sha256(READ)};scopes=read`, `${WRITE};scopes=write`].join(',');
const DAY = 86_400_000;

interface Entry {
  id: string;
  at: string;
  keyId: string | null;
  action: string;
  target: string | null;
  requestId: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

describeEachStorage<Storage>(['pglite', 'postgres'], 'admin audit log on %s', (storage) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage, env: { ADMIN_API_KEYS } });
  });
  afterAll(async () => t?.close());

  const as = (key: string) => ({
    get: (path: string) => t.http.get(path).set('X-API-Key', key),
    post: (path: string) => t.http.post(path).set('X-API-Key', key),
    delete: (path: string) => t.http.delete(path).set('X-API-Key', key),
  });
  const list = async (query = '', key = READ): Promise<{ data: Entry[]; nextCursor: string | null }> => {
    const res = await as(key).get(`/v1/admin/audit${query}`);
    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/v1/admin/audit');
    return res.body;
  };
  /** Every entry, walking the pages `limit` at a time. */
  const walk = async (limit: number, action?: string): Promise<Entry[]> => {
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({ limit: String(limit) });
      if (cursor) params.set('cursor', cursor);
      if (action) params.set('action', action);
      const page = await list(`?${params}`);
      expect(page.data.length).toBeLessThanOrEqual(limit);
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };
  const email = `Audit.Person-${Date.now()}@Example.com`;
  const requestIds: string[] = [];
  /** Each action a second after the last, so newest first is one order. */
  const act = async (res: PromiseLike<Response>, status: number): Promise<Response> => {
    t.clock.advance(1000);
    const done = await res;
    expect(done.status).toBe(status);
    return done;
  };

  it('when admin actions run, then the list shows each newest first with the key id, and no key or address', async () => {
    const user = await t.signIn(email);
    await act(as(KEY).post('/v1/admin/suppressions').send({ email }), 201);
    await act(as(KEY).delete(`/v1/admin/suppressions/${encodeURIComponent(email)}`), 204);
    const rule = await act(
      as(WRITE).post('/v1/admin/ip-rules').send({ cidr: '203.0.113.0/24', action: 'deny' }),
      201,
    );
    await act(as(KEY).post(`/v1/admin/users/${user.user.id}/revoke-sessions`), 200);
    await act(as(KEY).delete(`/v1/admin/users/${user.user.id}`), 204);
    await act(as(KEY).delete(`/v1/admin/users/${user.user.id}`), 404);

    const res = await as(READ).get('/v1/admin/audit');
    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/v1/admin/audit');
    const data = res.body.data as Entry[];
    const emailHash = data.find((e) => e.action === 'admin.suppression.added')?.target;
    expect(emailHash).toMatch(/^[0-9a-f]{16}$/);
    expect(
      data.map(({ action, keyId: k, target, outcome }) => ({ action, keyId: k, target, outcome })),
    ).toEqual([
      { action: 'admin.user.deleted', keyId: keyId(KEY), target: user.user.id, outcome: 'not_found' },
      { action: 'admin.user.deleted', keyId: keyId(KEY), target: user.user.id, outcome: 'success' },
      { action: 'admin.user.sessions_revoked', keyId: keyId(KEY), target: user.user.id, outcome: 'success' },
      { action: 'admin.ip_rule.created', keyId: keyId(WRITE), target: rule.body.id, outcome: 'success' },
      { action: 'admin.suppression.removed', keyId: keyId(KEY), target: emailHash, outcome: 'success' },
      { action: 'admin.suppression.added', keyId: keyId(KEY), target: emailHash, outcome: 'success' },
    ]);
    expect(data[2].details).toEqual({ revoked: 1 });
    expect(data[3].details).toEqual({ cidr: '203.0.113.0/24', action: 'deny' });
    expect(data.every((e) => typeof e.requestId === 'string' && e.requestId.length > 0)).toBe(true);
    expect(new Date(data[0].at).getTime()).toBe(t.clock.now().getTime());
    const text = JSON.stringify(res.body).toLowerCase();
    expect(text).not.toContain(email.toLowerCase());
    expect(text).not.toContain('example.com');
    for (const key of [KEY, READ, WRITE]) expect(text).not.toContain(key.toLowerCase());
    // The log lines are still written as before, beside the records.
    expect(t.logs.filter((l) => l.event === 'admin.user.deleted')).toHaveLength(2);
    requestIds.push(...data.map((e) => e.requestId as string));
  });

  it('when an action is refused, then its entry says failed with the error code', async () => {
    await act(as(KEY).post('/v1/admin/ip-rules').send({ cidr: '127.0.0.0/8', action: 'deny' }), 400);
    const [latest] = (await list('?limit=1')).data;
    expect(latest).toMatchObject({
      action: 'admin.ip_rule.created',
      outcome: 'failed',
      target: null,
      details: { cidr: '127.0.0.0/8', action: 'deny', code: 'invalid_request' },
    });
  });

  it('when the list is paged with ?limit=2, then each entry is seen once, in the order of one full page', async () => {
    const whole = (await list('?limit=100')).data;
    expect(whole.length).toBeGreaterThanOrEqual(7);
    expect((await walk(2)).map((e) => e.id)).toEqual(whole.map((e) => e.id));
    const bad = await as(READ).get('/v1/admin/audit?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('when filtered by action, then only that action is listed, across pages', async () => {
    const deleted = await walk(1, 'admin.user.deleted');
    expect(deleted.map((e) => e.outcome)).toEqual(['not_found', 'success']);
    expect((await list('?action=admin.nothing.here')).data).toEqual([]);
    for (const bad of [
      '?action=DROP%20TABLE',
      '?action=users.deleted',
      '?limit=0',
      '?limit=101',
      '?unknown=1',
    ]) {
      const res = await as(READ).get(`/v1/admin/audit${bad}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  it('when the list is asked with no key, a wrong key or a write-only key, then it is refused, and the refusals are listed', async () => {
    t.clock.advance(1000);
    expect((await t.http.get('/v1/admin/audit')).status).toBe(401);
    t.clock.advance(1000);
    expect((await t.http.get('/v1/admin/audit').set('X-API-Key', `${KEY}x`)).status).toBe(401);
    t.clock.advance(1000);
    const refused = await as(WRITE).get('/v1/admin/audit');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', detail: 'this key lacks the read scope' });

    const [scope, wrong, missing] = (await list('?limit=3')).data;
    expect(scope).toMatchObject({
      action: 'admin.auth.refused',
      keyId: keyId(WRITE),
      outcome: 'refused',
      requestId: refused.body.requestId,
      details: { reason: 'missing_scope', method: 'GET' },
    });
    expect(wrong).toMatchObject({ action: 'admin.auth.failed', keyId: null, outcome: 'unauthorized' });
    expect(wrong.details).toMatchObject({ reason: 'wrong_key' });
    expect(missing.details).toMatchObject({ reason: 'missing_key' });
    expect(JSON.stringify([scope, wrong, missing])).not.toContain(KEY);
  });

  it('when the sweep runs, then entries older than ADMIN_AUDIT_RETENTION_DAYS (365) go and newer ones stay', async () => {
    const before = (await list('?limit=100')).data;
    t.clock.advance(364 * DAY);
    await act(
      as(KEY)
        .post('/v1/admin/suppressions')
        .send({ email: `later-${email}` }),
      201,
    );
    await t.container.sweep();
    expect((await list('?limit=100')).data).toHaveLength(before.length + 1);

    t.clock.advance(2 * DAY);
    await t.container.sweep();
    const after = (await list('?limit=100')).data;
    expect(after.map((e) => e.action)).toEqual(['admin.suppression.added']);
    expect(requestIds).not.toContain(after[0].requestId);
  });
});

describe('admin audit log when its write fails', () => {
  it('when the entry cannot be written, then the action still answers and an error line names it', async () => {
    const { createTestPglite } = await import('../helpers/pglite');
    const { createSqlStore } = await import('../../src/store/sql/sql-store');
    const client = await createTestPglite();
    const t = await createTestApp({
      storage: 'pglite',
      env: { ADMIN_API_KEYS },
      overrides: { store: createSqlStore(client) },
    });
    try {
      // A real store whose audit table is gone: every write of an entry fails.
      await client.query('DROP TABLE admin_audit_log');
      const email = `broken-audit-${Date.now()}@example.com`;
      const res = await t.http
        .post('/v1/admin/suppressions')
        .set('X-API-Key', KEY)
        .set('X-Request-Id', 'broken-audit-1')
        .send({ email });

      expect(res.status).toBe(201);
      expect((await t.container.store.suppressions.find(email))?.reason).toBe('manual');
      expect(t.logs.filter((l) => l.event === 'admin.audit.write_failed')).toEqual([
        expect.objectContaining({
          level: 'error',
          action: 'admin.suppression.added',
          outcome: 'success',
          keyId: keyId(KEY),
          requestId: 'broken-audit-1',
        }),
      ]);
      expect(t.logs.filter((l) => l.event === 'admin.suppression.added')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
