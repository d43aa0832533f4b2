import { decodeJwt } from 'jose';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { describeEachStorage } from '../helpers/services';
import { totp } from '../helpers/totp';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** TOTP second factor, recovery codes, assurance claims and step-up (docs/api.md, "Second factor"). */

type Storage = 'pglite' | 'postgres';
type SignedIn = Awaited<ReturnType<TestApp['signIn']>>;

let seq = 0;
const freshEmail = (label: string) => `mfa-${label}-${++seq}@example.com`;
const claims = (accessToken: string) => decodeJwt(accessToken);

describeEachStorage<Storage>(['pglite', 'postgres'], 'TOTP and step-up (%s)', (storage) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage });
  });
  afterAll(async () => t.close());

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const now = () => t.clock.now().getTime();

  /** Signs in, enrols and confirms; returns the secret, the AAL2 answer and the sign-in. */
  async function enrolled(label: string) {
    const signedIn = await t.signIn(freshEmail(label));
    const enrol = await t.http.post('/v1/mfa/totp').set(auth(signedIn.accessToken));
    expect(enrol.status).toBe(201);
    const confirm = await t.http
      .post('/v1/mfa/totp/confirm')
      .set(auth(signedIn.accessToken))
      .send({ code: totp(enrol.body.secret, now()) });
    expect(confirm.status).toBe(200);
    return { signedIn, secret: enrol.body.secret as string, enrol, confirm };
  }

  it('when a user enrols and confirms, then the token is AAL1 before and AAL2 after, with ten recovery codes', async () => {
    const { signedIn, enrol, confirm } = await enrolled('enrol');
    expectMatchesOpenApi(enrol, 'POST', '/v1/mfa/totp');
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]+&/);
    expect(enrol.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(claims(signedIn.accessToken)).toMatchObject({ aal: 'aal1', amr: ['otp'] });
    expectMatchesOpenApi(confirm, 'POST', '/v1/mfa/totp/confirm');
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
    expect(confirm.body.session.id).toBe(signedIn.session.id);
    const after = claims(confirm.body.accessToken);
    expect(after).toMatchObject({ aal: 'aal2', amr: ['mfa', 'otp'], sid: signedIn.session.id });
    expect(after.auth_time).toBe(Math.floor(now() / 1000));
    // A refresh keeps the level.
    const refreshed = await t.http.post('/v1/auth/refresh').send({ refreshToken: confirm.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(claims(refreshed.body.accessToken)).toMatchObject({ aal: 'aal2', auth_time: after.auth_time });
    // A second enrolment while one is active is a conflict.
    expect((await t.http.post('/v1/mfa/totp').set(auth(signedIn.accessToken))).status).toBe(409);
  });

  it('when a wrong code confirms, then 401 invalid_code, the factor stays unconfirmed and the failure is counted', async () => {
    const signedIn = await t.signIn(freshEmail('wrong'));
    const enrol = await t.http.post('/v1/mfa/totp').set(auth(signedIn.accessToken));
    const wrong = String((Number(totp(enrol.body.secret, now())) + 1) % 1_000_000).padStart(6, '0');
    const res = await t.http
      .post('/v1/mfa/totp/confirm')
      .set(auth(signedIn.accessToken))
      .send({ code: wrong });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_code');
    const metrics = await t.container.metrics.registry.getSingleMetricAsString('mfa_verifications_total');
    expect(metrics).toMatch(/method="totp",result="invalid_code"} [1-9]/);
    // Not active: a new enrolment replaces it.
    expect((await t.http.post('/v1/mfa/totp').set(auth(signedIn.accessToken))).status).toBe(201);
  });

  it('when a sensitive operation has no recent step-up, then 403 step_up_required; a TOTP step-up allows it', async () => {
    const { secret, confirm } = await enrolled('sensitive');
    // Past the window (STEP_UP_MAX_AGE_SECONDS, 300 by default) the AAL2 confirmation no longer counts.
    t.clock.advance(301_000);
    const refused = await t.http.post('/v1/mfa/recovery-codes').set(auth(confirm.body.accessToken));
    expect(refused.status).toBe(403);
    expectMatchesOpenApi(refused, 'POST', '/v1/mfa/recovery-codes');
    expect(refused.body).toMatchObject({ code: 'step_up_required', methods: ['totp', 'recovery'] });

    const code = totp(secret, now());
    const up = await t.http
      .post('/v1/auth/step-up')
      .set(auth(confirm.body.accessToken))
      .send({ totpCode: code });
    expect(up.status).toBe(200);
    expectMatchesOpenApi(up, 'POST', '/v1/auth/step-up');
    expect(claims(up.body.accessToken)).toMatchObject({ aal: 'aal2', auth_time: Math.floor(now() / 1000) });

    const allowed = await t.http.post('/v1/mfa/recovery-codes').set(auth(up.body.accessToken));
    expect(allowed.status).toBe(200);
    expectMatchesOpenApi(allowed, 'POST', '/v1/mfa/recovery-codes');
    expect(allowed.body.recoveryCodes).toHaveLength(10);

    // The same step again is refused: a TOTP code is single use.
    const replay = await t.http
      .post('/v1/auth/step-up')
      .set(auth(up.body.accessToken))
      .send({ totpCode: code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_code');
  });

  it('when a recovery code steps up, then it works once; the old codes stop working after regeneration', async () => {
    const { confirm } = await enrolled('recovery');
    t.clock.advance(301_000);
    const [first, second] = confirm.body.recoveryCodes as string[];
    const token = confirm.body.accessToken as string;
    const up = await t.http
      .post('/v1/auth/step-up')
      .set(auth(token))
      .send({ recoveryCode: first.toLowerCase() });
    expect(up.status).toBe(200);
    expect(claims(up.body.accessToken)).toMatchObject({ aal: 'aal2', amr: ['mfa', 'otp'] });
    const again = await t.http.post('/v1/auth/step-up').set(auth(token)).send({ recoveryCode: first });
    expect(again.status).toBe(401);
    expect((await t.http.post('/v1/mfa/recovery-codes').set(auth(up.body.accessToken))).status).toBe(200);
    const old = await t.http.post('/v1/auth/step-up').set(auth(token)).send({ recoveryCode: second });
    expect(old.status).toBe(401);
  });

  it('when the step-up is older than the window, then it is refused; inside it, DELETE /v1/mfa/totp is allowed', async () => {
    const { secret, confirm } = await enrolled('window');
    t.clock.advance(299_000);
    const inWindow = await t.http.delete('/v1/mfa/totp').set(auth(confirm.body.accessToken));
    expect(inWindow.status).toBe(204);
    // Removed: the user is back to email step-up, and the next enrolment starts afresh.
    expect((await t.http.post('/v1/mfa/totp').set(auth(confirm.body.accessToken))).status).toBe(201);
    const again = await enrolled('window-2');
    t.clock.advance(300_001);
    const stale = await t.http.delete('/v1/mfa/totp').set(auth(again.confirm.body.accessToken));
    expect(stale.status).toBe(403);
    expect(stale.body.code).toBe('step_up_required');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('when a user without TOTP steps up by email, then a code goes to their address and gives a fresh AAL1', async () => {
    const signedIn: SignedIn = await t.signIn(freshEmail('email'));
    t.clock.advance(301_000);
    const refused = await t.http.delete('/v1/mfa/totp').set(auth(signedIn.accessToken));
    expect(refused.body).toMatchObject({ code: 'step_up_required', methods: ['email'] });

    t.clock.advance(60_000); // past the resend cooldown of the sign-in code
    const sent = t.mailer.sent.length; // the queue is drained: nothing else is in flight
    const ask = await t.http.post('/v1/auth/step-up/email').set(auth(signedIn.accessToken));
    expect(ask.status).toBe(202);
    await t.container.queue.drain();
    expect(t.mailer.sent.length).toBe(sent + 1);
    const mail = t.mailer.sent[t.mailer.sent.length - 1];
    const code = /\b(\d{6})\b/.exec(mail.text ?? '')![1];

    const up = await t.http
      .post('/v1/auth/step-up')
      .set(auth(signedIn.accessToken))
      .send({ emailCode: code });
    expect(up.status).toBe(200);
    expect(up.body.session.id).toBe(signedIn.session.id);
    expect(claims(up.body.accessToken)).toMatchObject({
      aal: 'aal1',
      amr: ['otp'],
      auth_time: Math.floor(now() / 1000),
    });
    expect((await t.http.delete('/v1/mfa/totp').set(auth(up.body.accessToken))).status).toBe(204);
    const reuse = await t.http
      .post('/v1/auth/step-up')
      .set(auth(signedIn.accessToken))
      .send({ emailCode: code });
    expect(reuse.status).toBe(401);
  });

  it('when step-up bodies are malformed, then 400 problem+json', async () => {
    const signedIn = await t.signIn(freshEmail('bad'));
    for (const body of [
      {},
      { totpCode: '12345' },
      { totpCode: '123456', recoveryCode: 'ABCD' },
      { emailCode: 123456 },
    ]) {
      const res = await t.http.post('/v1/auth/step-up').set(auth(signedIn.accessToken)).send(body);
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
    }
    expect(
      (await t.http.post('/v1/mfa/totp/confirm').set(auth(signedIn.accessToken)).send({ code: 'abcdef' }))
        .status,
    ).toBe(400);
    expect((await t.http.post('/v1/mfa/totp')).status).toBe(401);
  });

  it('when a factor is enrolled, then the secret is in no later response and in no log line', async () => {
    const { signedIn, secret, confirm } = await enrolled('secret');
    const me = await t.http.get('/v1/users/me').set(auth(signedIn.accessToken));
    for (const body of [confirm.text, me.text]) expect(body).not.toContain(secret);
    expect(t.rawLogs.join('\n')).not.toContain(secret);
    for (const c of confirm.body.recoveryCodes as string[]) expect(t.rawLogs.join('\n')).not.toContain(c);
  });
});

describe('TOTP guesses and the failure budget (PGlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage: 'pglite', env: { OTP_MAX_FAILED_PER_EMAIL_PER_HOUR: '3' } });
  });
  afterAll(async () => t.close());

  it('when wrong TOTP codes spend the address budget, then even the right code is refused with 429', async () => {
    const signedIn = await t.signIn(`mfa-budget-${++seq}@example.com`);
    const bearer = { Authorization: `Bearer ${signedIn.accessToken}` };
    const enrol = await t.http.post('/v1/mfa/totp').set(bearer);
    const right = totp(enrol.body.secret, t.clock.now().getTime());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 3; i++) {
      expect((await t.http.post('/v1/mfa/totp/confirm').set(bearer).send({ code: wrong })).status).toBe(401);
    }
    const locked = await t.http.post('/v1/mfa/totp/confirm').set(bearer).send({ code: right });
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
  });
});
