import type { Response } from 'supertest';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { COOLDOWN_MS, freshEmail, observable, otpRows, requestCode, sentAfter } from './otp-request-fixtures';

/** PRODUCT "Codes"; SECURITY 12–16: one answer for every address, cooldown, hidden caps, IP limits. */

describe('POST /v1/otp/request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when a known and an unknown address ask for a code, then the answers are identical', async () => {
    const known = freshEmail('known');
    await t.signIn(known);
    const usersBefore = await t.container.store.users.count();

    const forKnown = await requestCode(t, known);
    const forUnknown = await requestCode(t, freshEmail('unknown'));

    expect(forKnown.status).toBe(202);
    expect(observable(forUnknown)).toEqual(observable(forKnown));
    expect(forKnown.headers['set-cookie']).toBeUndefined();
    expect(forKnown.body).toEqual({
      status: 'accepted',
      message: 'If the address can receive email, a sign-in code is on its way.',
    });
    expectMatchesOpenApi(forKnown, 'POST', '/v1/otp/request');
    expectMatchesOpenApi(forUnknown, 'POST', '/v1/otp/request');
    // Asking for a code never creates an account: that happens on the first verify.
    expect(await t.container.store.users.count()).toBe(usersBefore);
  });

  it('when the unversioned alias is called, then it answers like /v1 and shares its cooldown', async () => {
    const email = freshEmail('alias');

    const { res: alias, sent } = await sentAfter(t, () => requestCode(t, email, '/otp/request'));
    const v1 = await requestCode(t, freshEmail('alias-v1'));
    const again = await requestCode(t, email);

    expect(observable(alias)).toEqual(observable(v1));
    expectMatchesOpenApi(alias, 'POST', '/otp/request');
    expect(sent).toBe(1);
    expect(again.status).toBe(429);
  });

  it('when a mixed-case address asks, then exactly one email with a 6-digit code goes to the lower-cased address', async () => {
    const canonical = freshEmail('mixed');
    const typed = canonical.toUpperCase();

    const { res, sent } = await sentAfter(t, () => requestCode(t, typed));

    expect(res.status).toBe(202);
    expect(sent).toBe(1);
    const [mail] = t.mailer.to(canonical);
    expect(mail.to).toBe(canonical);
    expect(t.mailer.to(typed)).toHaveLength(0);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.html).toContain(code);
    const rows = await otpRows(t, canonical);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: canonical, attempts: 0, consumedAt: null });
    expect(rows[0].codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when a second code is asked for within the cooldown, then 429 with Retry-After, the same for known and unknown', async () => {
    const known = freshEmail('cool-known');
    await t.signIn(known);
    const unknown = freshEmail('cool-unknown');
    await requestCode(t, known);
    await requestCode(t, unknown);
    await t.container.queue.drain();
    const sentBefore = t.mailer.sent.length;

    const forKnown = await requestCode(t, known);
    const forUnknown = await requestCode(t, unknown);

    expect(forKnown.status).toBe(429);
    expect(forKnown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(forKnown.body.code).toBe('rate_limited');
    expect(forKnown.headers['retry-after']).toBe(String(COOLDOWN_MS / 1000));
    expect(observable(forUnknown)).toEqual(observable(forKnown));
    expectMatchesOpenApi(forKnown, 'POST', '/v1/otp/request');
    await t.container.queue.drain();
    expect(t.mailer.sent.length).toBe(sentBefore);
    expect(await otpRows(t, unknown)).toHaveLength(1);
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'otp.requested', outcome: 'cooldown' }));
  });

  it('when the cooldown runs down, then Retry-After shrinks with it and afterwards a new code is sent', async () => {
    const email = freshEmail('cool-after');
    await requestCode(t, email);

    t.clock.advance(30_000);
    const halfway = await requestCode(t, email);
    t.clock.advance(COOLDOWN_MS - 30_000 + 1_000);
    const { res: after, sent } = await sentAfter(t, () => requestCode(t, email));

    expect(halfway.status).toBe(429);
    expect(halfway.headers['retry-after']).toBe('30');
    expect(after.status).toBe(202);
    expect(sent).toBe(1);
    expect(t.mailer.to(email)).toHaveLength(2);
    expect(await otpRows(t, email)).toHaveLength(2);
  });

  it('when an address asks a 6th time within the hour, then the answer is the same 202 but no 6th email is sent', async () => {
    const email = freshEmail('hourly');
    const answers: Response[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push(await requestCode(t, email));
      t.clock.advance(COOLDOWN_MS + 1_000);
    }
    await t.container.queue.drain();

    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(observable(answers[5])).toEqual(observable(answers[0]));
    expect(t.mailer.to(email)).toHaveLength(5);
    expect(await otpRows(t, email)).toHaveLength(5);
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'otp.requested', outcome: 'capped' }));

    // The cap is a sliding hour: once the first code is older than that, one more goes out.
    t.clock.advance(3_600_000 - 6 * (COOLDOWN_MS + 1_000) + 1_000);
    const { res, sent } = await sentAfter(t, () => requestCode(t, email));
    expect(res.status).toBe(202);
    expect(sent).toBe(1);
  });
});

describe('POST /v1/otp/request with a small per-domain cap and a suppression list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { OTP_MAX_PER_DOMAIN_PER_HOUR: '2' },
      overrides: { suppressions: { isSuppressed: async (e) => e === 'bounced@suppressed.example' } },
    });
  });
  afterAll(async () => t.close());

  it('when a domain has had its hourly share, then the next address there gets the same 202 and no email', async () => {
    const first = await requestCode(t, 'one@capped.example');
    await requestCode(t, 'two@capped.example');

    const { res: third, sent } = await sentAfter(t, () => requestCode(t, 'three@capped.example'));
    const { res: elsewhere, sent: sentElsewhere } = await sentAfter(t, () =>
      requestCode(t, 'three@open.example'),
    );

    expect(observable(third)).toEqual(observable(first));
    expect(sent).toBe(0);
    expect(t.mailer.to('three@capped.example')).toHaveLength(0);
    expect(await otpRows(t, 'three@capped.example')).toHaveLength(0);
    expect(elsewhere.status).toBe(202);
    expect(sentElsewhere).toBe(1);
  });

  it('when a suppressed address asks, then it gets the same 202 but no code is minted or mailed', async () => {
    const fine = await requestCode(t, 'fine@suppressed.example');

    const { res: suppressed, sent } = await sentAfter(t, () => requestCode(t, 'bounced@suppressed.example'));

    expect(observable(suppressed)).toEqual(observable(fine));
    expect(sent).toBe(0);
    expect(t.mailer.to('bounced@suppressed.example')).toHaveLength(0);
    expect(t.mailer.to('fine@suppressed.example')).toHaveLength(1);
    const [row] = await otpRows(t, 'bounced@suppressed.example');
    expect(row.codeHash).toBeNull();
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'otp.requested', outcome: 'suppressed' }));
  });
});
