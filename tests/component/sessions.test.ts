import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { describeEachStorage } from '../helpers/services';

/** GET/DELETE /v1/sessions, logout (SECURITY 25, 26) and no session fixation. */

type Storage = 'pglite' | 'postgres';
type SignedIn = Awaited<ReturnType<TestApp['signIn']>>;

let seq = 0;
const freshEmail = (label: string) => `sessions-${label}-${++seq}@example.com`;
const bearer = (s: SignedIn) => `Bearer ${s.accessToken}`;
const refresh = (t: TestApp, s: SignedIn) =>
  t.http.post('/v1/auth/refresh').send({ refreshToken: s.refreshToken });

describe('listing sessions (PGlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when a user lists sessions, then only their active ones come back, newest first, the current marked', async () => {
    const email = freshEmail('list');
    const [oldest, revoked, middle, newest] = [
      await t.signIn(email),
      await t.signIn(email),
      await t.signIn(email),
      await t.signIn(email),
    ];
    await t.signIn(freshEmail('stranger'));
    expect((await t.http.post('/v1/auth/logout').set('Authorization', bearer(revoked))).status).toBe(204);

    const res = await t.http.get('/v1/sessions').set('Authorization', bearer(middle));

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/v1/sessions');
    expect(res.body.data.map((s: { id: string }) => s.id)).toEqual([
      newest.session.id,
      middle.session.id,
      oldest.session.id,
    ]);
    expect(res.body.data.map((s: { current: boolean }) => s.current)).toEqual([false, true, false]);
    expect(res.body.nextCursor).toBeNull();
  });

  it('when a user pages with ?limit=1, then nextCursor walks every session and is null at the end', async () => {
    const email = freshEmail('pages');
    const created = [await t.signIn(email), await t.signIn(email), await t.signIn(email)];
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;

    do {
      const query: Record<string, string> = cursor ? { limit: '1', cursor } : { limit: '1' };
      const res = await t.http.get('/v1/sessions').query(query).set('Authorization', bearer(created[0]));
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'GET', '/v1/sessions');
      expect(res.body.data).toHaveLength(1);
      seen.push(res.body.data[0].id);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    expect(seen).toEqual(created.map((s) => s.session.id).reverse());
    expect(cursor).toBeNull();
  });

  const cursorOf = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['limit is 0', 'limit=0'],
    ['limit is 101', 'limit=101'],
    ['limit is not a number', 'limit=abc'],
    ['limit is negative', 'limit=-1'],
    ['limit is a fraction', 'limit=1.5'],
    ['limit is given twice', 'limit=1&limit=2'],
    ['the cursor is not base64 JSON', 'cursor=not-a-cursor'],
    ['the cursor id is not a uuid', `cursor=${cursorOf({ c: '2020-01-01T00:00:00Z', i: 'x' })}`],
    [
      'the cursor date is invalid',
      `cursor=${cursorOf({ c: 'nope', i: '00000000-0000-4000-8000-000000000000' })}`,
    ],
    ['the cursor is 300 characters', `cursor=${'a'.repeat(300)}`],
  ])('when %s, then 400', async (_label, query) => {
    const signedIn = await t.signIn(freshEmail('bad-query'));

    const res = await t.http.get(`/v1/sessions?${query}`).set('Authorization', bearer(signedIn));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expectMatchesOpenApi(res, 'GET', '/v1/sessions');
  });

  it('when a person signs in again, even presenting their current token, then a new session id is created', async () => {
    const email = freshEmail('fixation');
    const first = await t.signIn(email);
    const code = await t.requestCode(email);

    const second = await t.http
      .post('/v1/otp/verify')
      .set('Authorization', bearer(first))
      .send({ email, code });

    expect(second.status).toBe(200);
    expect(second.body.session.id).not.toBe(first.session.id);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await t.container.store.sessions.findById(first.session.id))?.revokedAt).toBeNull();
    expect(await t.container.store.sessions.findById(second.body.session.id)).toBeDefined();
  });
});

describeEachStorage<Storage>(['pglite', 'postgres'], 'revoking sessions on %s', (storage) => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await createTestApp({ storage });
  });
  afterAll(async () => t?.close());

  const storageIt = (name: string, body: (t: TestApp) => Promise<void>) =>
    it(name, async () => {
      if (!t) throw new Error('the app was not started');
      await body(t);
    });

  storageIt('when a user deletes one of their sessions, then its tokens stop working at once', async (t) => {
    const email = freshEmail('delete');
    const keep = await t.signIn(email);
    const drop = await t.signIn(email);
    expect((await t.http.get('/v1/users/me').set('Authorization', bearer(drop))).status).toBe(200);

    const res = await t.http.delete(`/v1/sessions/${drop.session.id}`).set('Authorization', bearer(keep));

    expect(res.status).toBe(204);
    expectMatchesOpenApi(res, 'DELETE', '/v1/sessions/{id}');
    const stored = await t.container.store.sessions.findById(drop.session.id);
    expect(stored?.revokedAt).not.toBeNull();
    const me = await t.http.get('/v1/users/me').set('Authorization', bearer(drop));
    expect(me.status).toBe(401);
    expect(me.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await refresh(t, drop)).status).toBe(401);
    expect((await t.http.get('/v1/users/me').set('Authorization', bearer(keep))).status).toBe(200);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ event: 'session.revoked', sessionId: drop.session.id }),
    );
  });

  storageIt("when a user deletes another user's session, then 404 and it stays active", async (t) => {
    const attacker = await t.signIn(freshEmail('attacker'));
    const victim = await t.signIn(freshEmail('victim'));

    const res = await t.http
      .delete(`/v1/sessions/${victim.session.id}`)
      .set('Authorization', bearer(attacker));

    expect(res.status).toBe(404);
    expectMatchesOpenApi(res, 'DELETE', '/v1/sessions/{id}');
    expect((await t.container.store.sessions.findById(victim.session.id))?.revokedAt).toBeNull();
    expect((await t.http.get('/v1/users/me').set('Authorization', bearer(victim))).status).toBe(200);
    const unknown = await t.http
      .delete('/v1/sessions/00000000-0000-4000-8000-000000000000')
      .set('Authorization', bearer(attacker));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ ...res.body, requestId: unknown.body.requestId });
  });

  storageIt('when the session id is malformed, then 404 and never 500', async (t) => {
    const signedIn = await t.signIn(freshEmail('malformed'));

    for (const id of ['not-a-uuid', encodeURIComponent("' OR 1=1--"), '1', `${signedIn.session.id}x`]) {
      const res = await t.http.delete(`/v1/sessions/${id}`).set('Authorization', bearer(signedIn));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await t.container.store.sessions.findById(signedIn.session.id))?.revokedAt).toBeNull();
  });

  storageIt(
    'when a user logs out, then 204 clears client state and both tokens stop working at once',
    async (t) => {
      const signedIn = await t.signIn(freshEmail('logout'));

      const res = await t.http.post('/v1/auth/logout').set('Authorization', bearer(signedIn));

      expect(res.status).toBe(204);
      expectMatchesOpenApi(res, 'POST', '/v1/auth/logout');
      expect(res.headers['clear-site-data']).toMatch(/"cookies"/);
      expect(res.headers['clear-site-data']).toMatch(/"storage"/);
      expect(res.headers['cache-control']).toMatch(/no-store/);
      const stored = await t.container.store.sessions.findById(signedIn.session.id);
      expect(stored?.revokedReason).toBe('logout');
      const me = await t.http.get('/v1/users/me').set('Authorization', bearer(signedIn));
      expect(me.status).toBe(401);
      expectMatchesOpenApi(me, 'GET', '/v1/users/me');
      const rt = await refresh(t, signedIn);
      expect(rt.status).toBe(401);
      expect(rt.body.code).toBe('invalid_token');
      expect((await t.http.post('/v1/auth/logout').set('Authorization', bearer(signedIn))).status).toBe(401);
    },
  );
});
