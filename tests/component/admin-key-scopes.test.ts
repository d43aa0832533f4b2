import { createHash } from 'node:crypto';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Admin keys with scopes and networks (docs/admin.md, "Keys, scopes and networks"): a read key
 * reads and writes nothing, a write key writes and reads nothing, a key limited to networks
 * works only from them (whatever X-Forwarded-For says); each refusal is a 403 problem and an
 * audit line naming the key by its id. supertest connects from 127.0.0.1.
 */

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const keyId = (key: string) => sha256(key).slice(0, 8);

const BOTH = 'both-Vq3xN8pL2mR7tY0wZ5sK9dF4hJ6gB1cA';
const READ = 'read-Hn2Lk8Pq4Wz6Xc1Vb7Nm3Jt9Rs5Df0Ga';
const WRITE = 'write-Ty6Ui2Op8As4Df1Gh7Jk3Lz9Xc5Vb0N';
const ELSEWHERE = 'far-Qw9Er3Ty7Ui1Op5As8Df2Gh6Jk4Lz0X';
const LOCAL = 'local-Mn4Bv8Cx2Za6Sd1Fg7Hj3Kl9Pq5Wr0E';

const ENTRIES = [
  BOTH,
  `sha256:${sha256(READ)};scopes=read`,
  `${WRITE};scopes=write`,
  `${ELSEWHERE};cidr=10.0.0.0/8|2001:db8::/32`,
  `${LOCAL};scopes=read;cidr=192.0.2.0/24|127.0.0.0/8`,
];

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { ADMIN_API_KEYS: ENTRIES.join(',') } });
});
afterAll(async () => t?.close());

const get = (key: string) => t.http.get('/v1/admin/stats').set('X-API-Key', key);
const post = (key: string) =>
  t.http
    .post('/v1/admin/suppressions')
    .set('X-API-Key', key)
    .send({ email: `s-${Date.now()}@example.com` });
const refusals = () => t.logs.filter((l) => l.event === 'admin.auth.refused');

describe('admin key scopes', () => {
  it('when a bare key (the old format) is used, then it reads and writes', async () => {
    expect((await get(BOTH)).status).toBe(200);
    expect((await post(BOTH)).status).toBe(201);
  });

  it('when a read key (given as its digest) writes, then 403 problem+json naming the scope; its reads pass', async () => {
    expect((await get(READ)).status).toBe(200);
    const before = refusals().length;

    const res = await post(READ);

    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'forbidden', detail: 'this key lacks the write scope' });
    expectMatchesOpenApi(res, 'POST', '/v1/admin/suppressions');
    const deleted = await t.http.delete('/v1/admin/ip-rules/x').set('X-API-Key', READ);
    expect(deleted.status).toBe(403);
    expect(refusals().slice(before)).toEqual([
      expect.objectContaining({ keyId: keyId(READ), reason: 'missing_scope', method: 'POST' }),
      expect.objectContaining({ keyId: keyId(READ), reason: 'missing_scope', method: 'DELETE' }),
    ]);
  });

  it('when a write key reads, then 403; its writes pass', async () => {
    const res = await get(WRITE);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden', detail: 'this key lacks the read scope' });
    expect((await post(WRITE)).status).toBe(201);
  });
});

describe('admin key networks', () => {
  it('when a key is used outside its networks, then 403 for reads and writes, even with a forged X-Forwarded-For', async () => {
    const before = refusals().length;
    for (const res of [
      await get(ELSEWHERE),
      await post(ELSEWHERE),
      await get(ELSEWHERE).set('X-Forwarded-For', '10.1.2.3'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        code: 'forbidden',
        detail: 'this key may not be used from this address',
      });
    }
    expectMatchesOpenApi(await get(ELSEWHERE), 'GET', '/v1/admin/stats');
    expect(refusals().slice(before)[0]).toMatchObject({ keyId: keyId(ELSEWHERE), reason: 'outside_cidr' });
  });

  it('when a key is used inside one of its networks, then its scopes apply', async () => {
    expect((await get(LOCAL)).status).toBe(200);
    expect((await post(LOCAL)).status).toBe(403);
  });

  it('when keys are refused or used, then no log line carries a key', () => {
    const all = t.rawLogs.join('');
    for (const key of [BOTH, READ, WRITE, ELSEWHERE, LOCAL]) expect(all).not.toContain(key);
  });

  it('when a wrong key is sent, then it is still the identical 401 (scopes and networks come after the key)', async () => {
    const res = await get(`${READ}x`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthorized' });
  });
});
