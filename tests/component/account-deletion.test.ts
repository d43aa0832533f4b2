import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { describeEachStorage } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** `DELETE /v1/users/me`: the account erased by its user, behind a recent step-up (docs/api.md). */

type Storage = 'pglite' | 'postgres';

let seq = 0;
const freshEmail = () => `erase-me-${++seq}@example.com`;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachStorage<Storage>(['pglite', 'postgres'], 'erasing my account (%s)', (storage) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage });
  });
  afterAll(async () => t.close());

  it('when a freshly signed-in user deletes their account, then no row of theirs is left and their tokens stop working', async () => {
    const email = freshEmail();
    const other = await t.signIn(freshEmail()); // someone else's account stays
    const laptop = await t.signIn(email);
    const current = await t.signIn(email);
    const userId = current.user.id;
    expect((await t.http.post('/v1/mfa/totp').set(auth(current.accessToken))).status).toBe(201);
    // A pending code and a wrong guess, kept under the address.
    await t.requestCode(email);
    expect((await t.http.post('/v1/otp/verify').send({ email, code: '000000' })).status).toBe(401);
    const { store } = t.container;
    const hourAgo = new Date(t.clock.now().getTime() - 3_600_000);
    expect(await store.authFailures.countSince({ email }, hourAgo)).toBeGreaterThan(0);
    expect(await store.emailMessages.listRecentForEmail(email, 10)).not.toEqual([]);

    const res = await t.http.delete('/v1/users/me').set(auth(current.accessToken));
    expect(res.status).toBe(204);
    expectMatchesOpenApi(res, 'DELETE', '/v1/users/me');

    expect(await store.users.findById(userId)).toBeUndefined();
    expect(await store.users.findByEmail(email)).toBeUndefined();
    for (const s of [laptop, current]) expect(await store.sessions.findById(s.session.id)).toBeUndefined();
    expect(await store.mfa.findFactor(userId)).toBeUndefined();
    expect(await store.otps.listNewest(email, 10)).toEqual([]);
    expect(await store.authFailures.countSince({ email }, hourAgo)).toBe(0);
    expect(await store.emailMessages.listRecentForEmail(email, 10)).toEqual([]);
    for (const s of [laptop, current]) {
      expect((await t.http.get('/v1/users/me').set(auth(s.accessToken))).status).toBe(401);
      expect((await t.http.post('/v1/auth/refresh').send({ refreshToken: s.refreshToken })).status).toBe(401);
    }
    // Nobody else's data went with it.
    expect((await t.http.get('/v1/users/me').set(auth(other.accessToken))).status).toBe(200);
    expect(t.rawLogs.join('\n')).not.toContain(email);
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'account.deleted', userId }));
  });

  it('when the step-up is stale, then 403 step_up_required and nothing is deleted; after an email step-up it goes', async () => {
    const email = freshEmail();
    const signedIn = await t.signIn(email);
    t.clock.advance(301_000);
    const refused = await t.http.delete('/v1/users/me').set(auth(signedIn.accessToken));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'step_up_required', methods: ['email'] });
    expect(await t.container.store.users.findById(signedIn.user.id)).toBeDefined();

    expect((await t.http.post('/v1/auth/step-up/email').set(auth(signedIn.accessToken))).status).toBe(202);
    await t.container.queue.drain();
    const up = await t.http
      .post('/v1/auth/step-up')
      .set(auth(signedIn.accessToken))
      .send({ emailCode: t.mailer.lastCode(email) });
    expect(up.status).toBe(200);
    expect((await t.http.delete('/v1/users/me').set(auth(up.body.accessToken))).status).toBe(204);
    expect(await t.container.store.users.findById(signedIn.user.id)).toBeUndefined();
  });

  it('when the address signs in again after erasure, then it is a new account with nothing of the old one', async () => {
    const email = freshEmail();
    const first = await t.signIn(email);
    expect((await t.http.delete('/v1/users/me').set(auth(first.accessToken))).status).toBe(204);
    const again = await t.signIn(email);
    expect(again.user.id).not.toBe(first.user.id);
    const sessions = await t.http.get('/v1/sessions').set(auth(again.accessToken));
    expect(sessions.body.data.map((s: { id: string }) => s.id)).toEqual([again.session.id]);
  });
});
