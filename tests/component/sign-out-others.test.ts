import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { describeEachStorage } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** `DELETE /v1/sessions`: sign out everywhere else, behind a recent step-up (docs/api.md). */

type Storage = 'pglite' | 'postgres';

let seq = 0;
const freshEmail = () => `sign-out-others-${++seq}@example.com`;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachStorage<Storage>(['pglite', 'postgres'], 'signing out everywhere else (%s)', (storage) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage });
  });
  afterAll(async () => t.close());

  it('when the step-up is stale, then 403 step_up_required; after an email step-up every other session is revoked and this one kept', async () => {
    const email = freshEmail();
    const laptop = await t.signIn(email);
    const phone = await t.signIn(email);
    const current = await t.signIn(email);
    t.clock.advance(301_000);

    const refused = await t.http.delete('/v1/sessions').set(auth(current.accessToken));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'step_up_required', methods: ['email'] });
    expectMatchesOpenApi(refused, 'DELETE', '/v1/sessions');
    expect((await t.http.get('/v1/users/me').set(auth(laptop.accessToken))).status).toBe(200);

    const code = await (async () => {
      const ask = await t.http.post('/v1/auth/step-up/email').set(auth(current.accessToken));
      expect(ask.status).toBe(202);
      await t.container.queue.drain();
      return t.mailer.lastCode(email);
    })();
    const up = await t.http.post('/v1/auth/step-up').set(auth(current.accessToken)).send({ emailCode: code });
    expect(up.status).toBe(200);

    const done = await t.http.delete('/v1/sessions').set(auth(up.body.accessToken));
    expect(done.status).toBe(204);
    expectMatchesOpenApi(done, 'DELETE', '/v1/sessions');

    for (const other of [laptop, phone]) {
      expect((await t.http.get('/v1/users/me').set(auth(other.accessToken))).status).toBe(401);
      const refresh = await t.http.post('/v1/auth/refresh').send({ refreshToken: other.refreshToken });
      expect(refresh.status).toBe(401);
    }
    const listed = await t.http.get('/v1/sessions').set(auth(up.body.accessToken));
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([current.session.id]);
  });

  it('when a session steps up, then the refresh token issued before it stops working and the new one goes on', async () => {
    const email = freshEmail();
    const before = await t.signIn(email);
    expect((await t.http.post('/v1/auth/step-up/email').set(auth(before.accessToken))).status).toBe(202);
    await t.container.queue.drain();
    const up = await t.http
      .post('/v1/auth/step-up')
      .set(auth(before.accessToken))
      .send({ emailCode: t.mailer.lastCode(email) });
    expect(up.status).toBe(200);
    // A copy of the old refresh token (a stolen one, say) earns nothing from the step-up.
    const old = await t.http.post('/v1/auth/refresh').send({ refreshToken: before.refreshToken });
    expect(old.status).toBe(401);
    const next = await t.http.post('/v1/auth/refresh').send({ refreshToken: up.body.refreshToken });
    expect(next.status).toBe(200);
    expect(next.body.session.id).toBe(before.session.id);
  });

  it('when there is no bearer token, then 401 and nothing is revoked', async () => {
    const signedIn = await t.signIn(freshEmail());
    const res = await t.http.delete('/v1/sessions');
    expect(res.status).toBe(401);
    expect((await t.http.get('/v1/users/me').set(auth(signedIn.accessToken))).status).toBe(200);
  });
});
