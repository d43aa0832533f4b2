import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The admin lists page with the cursor the API itself returned: a cursor carries the last
 * entry's key, so for suppressions it is as long as the address (up to 254 characters) and the
 * query schema must take every cursor the API can hand out.
 */
const KEY = 'admin-key-cursors-0123456789abcdef';

describe('admin list cursors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: KEY } });
  });
  afterAll(async () => t.close());

  it('when suppressed addresses are long, then the next page is served with the cursor the first page returned', async () => {
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.example.com`;
    const emails = ['x', 'y'].map((c) => `${c.repeat(63)}@${domain}`);
    for (const email of emails) {
      const added = await t.http.post('/v1/admin/suppressions').set('X-API-Key', KEY).send({ email });
      expect(added.status).toBe(201);
    }

    const first = await t.http.get('/v1/admin/suppressions?limit=1').set('X-API-Key', KEY);
    expect(first.status).toBe(200);
    expect(first.body.nextCursor.length).toBeGreaterThan(200);
    const second = await t.http
      .get(`/v1/admin/suppressions?limit=1&cursor=${first.body.nextCursor}`)
      .set('X-API-Key', KEY);

    expect(second.status).toBe(200);
    expectMatchesOpenApi(second, 'GET', '/v1/admin/suppressions');
    expect([...first.body.data, ...second.body.data].map((s: { email: string }) => s.email).sort()).toEqual(
      [...emails].sort(),
    );
  });
});
