import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { describeEachStorage } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Changing my address: a code to the new one, then the change; the old one is told (docs/api.md). */

type Storage = 'pglite' | 'postgres';

let seq = 0;
const fresh = (label: string) => `email-change-${label}-${++seq}@example.com`;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describeEachStorage<Storage>(['pglite', 'postgres'], 'changing my email address (%s)', (storage) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage });
  });
  afterAll(async () => t.close());

  const ask = (token: string, email: string) =>
    t.http.post('/v1/users/me/email').set(auth(token)).send({ email });
  const confirm = (token: string, email: string, code: string) =>
    t.http.post('/v1/users/me/email/verify').set(auth(token)).send({ email, code });
  const codeSentTo = async (email: string) => {
    await t.container.queue.drain();
    return t.mailer.lastCode(email);
  };

  it('when the new address is proven, then the account moves there, the old address is told and signs in no more', async () => {
    const [old, next] = [fresh('old'), fresh('new')];
    const me = await t.signIn(old);
    const asked = await ask(me.accessToken, next.toUpperCase());
    expect(asked.status).toBe(202);
    expectMatchesOpenApi(asked, 'POST', '/v1/users/me/email');
    const code = await codeSentTo(next);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect((await confirm(me.accessToken, next, wrong)).status).toBe(401);

    const done = await confirm(me.accessToken, next, code);
    expect(done.status).toBe(200);
    expectMatchesOpenApi(done, 'POST', '/v1/users/me/email/verify');
    expect(done.body).toMatchObject({ id: me.user.id, email: next });
    expect((await t.http.get('/v1/users/me').set(auth(me.accessToken))).body.email).toBe(next);
    // The code works once.
    expect((await confirm(me.accessToken, next, code)).status).toBe(401);

    await t.container.queue.drain();
    const notice = t.mailer.to(old).at(-1)!;
    expect(notice.subject).toMatch(/email address .* was changed/);
    expect(notice.text).toContain('em***@example.com');
    expect(notice.text).not.toContain(next);
    expect(t.rawLogs.join('\n')).not.toMatch(new RegExp(`${old}|${next}`));

    // The new address signs in to the same account; the old one would start a new account.
    t.clock.advance(60_000);
    expect((await t.signIn(next)).user.id).toBe(me.user.id);
    expect((await t.signIn(old)).user.id).not.toBe(me.user.id);
  });

  it('when the new address belongs to another account, then asking looks the same and only the proven code gets 409', async () => {
    const [mine, theirs] = [fresh('mine'), fresh('theirs')];
    const me = await t.signIn(mine);
    const them = await t.signIn(theirs);
    t.clock.advance(60_000);
    const asked = await ask(me.accessToken, theirs);
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual((await ask(me.accessToken, fresh('free'))).body);

    const wrong = await confirm(me.accessToken, theirs, '000000');
    expect(wrong.status).toBe(401); // a wrong code learns nothing about the address
    const res = await confirm(me.accessToken, theirs, await codeSentTo(theirs));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict' });
    expect((await t.container.store.users.findById(me.user.id))?.email).toBe(mine);
    expect((await t.container.store.users.findById(them.user.id))?.email).toBe(theirs);
  });

  it('when the step-up is stale, then both steps answer 403 step_up_required and nothing is sent', async () => {
    const me = await t.signIn(fresh('stale'));
    t.clock.advance(301_000);
    const sent = t.mailer.sent.length;
    const asked = await ask(me.accessToken, fresh('target'));
    expect(asked.status).toBe(403);
    expect(asked.body).toMatchObject({ code: 'step_up_required', methods: ['email'] });
    expect((await confirm(me.accessToken, fresh('target'), '123456')).status).toBe(403);
    await t.container.queue.drain();
    expect(t.mailer.sent.length).toBe(sent);
  });

  it('when the body is wrong or names the current address, then 400 problem+json', async () => {
    const email = fresh('same');
    const me = await t.signIn(email);
    for (const body of [{}, { email: 'not-an-address' }, { email }]) {
      const res = await t.http.post('/v1/users/me/email').set(auth(me.accessToken)).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const res = await t.http
      .post('/v1/users/me/email/verify')
      .set(auth(me.accessToken))
      .send({ email, code: 'abc' });
    expect(res.status).toBe(400);
  });
});
