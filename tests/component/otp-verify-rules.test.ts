import type { Response } from 'supertest';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** SECURITY 2, 3, 7, 8, 9, 11, 15: one failure answer, budgets across codes, active codes, binding. */

const COOLDOWN_MS = 61_000;
const EXPIRY_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;

let seq = 0;
const freshEmail = (label: string) => `rules-${label}-${++seq}@example.com`;
const wrongCode = (code: string, k = 1) => String((Number(code) + k) % 1_000_000).padStart(6, '0');
const verify = (t: TestApp, email: string, code: string, path = '/v1/otp/verify') =>
  t.http.post(path).send({ email, code });
const sessionCount = (t: TestApp) => t.container.store.sessions.count({});

/** What a caller sees of a failure, minus the request id. */
function failure(res: Response) {
  const { requestId, ...body } = res.body as Record<string, unknown>;
  expect(requestId).toEqual(expect.any(String));
  return { status: res.status, contentType: res.headers['content-type'], body };
}

/** `count` wrong tries; returns their statuses. */
async function guessWrong(t: TestApp, email: string, code: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let k = 1; k <= count; k++) statuses.push((await verify(t, email, wrongCode(code, k))).status);
  return statuses;
}

describe('POST /v1/otp/verify rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Every test here guesses from the same address; the per-IP budget has its own app below.
    t = await createTestApp({ env: { OTP_MAX_FAILED_PER_IP_PER_HOUR: '100000' } });
  });
  afterAll(async () => t.close());

  it('when the code is wrong, used, locked, unknown or expired, then every answer is the same 401', async () => {
    const wrongEmail = freshEmail('wrong');
    const wrong = await verify(t, wrongEmail, wrongCode(await t.requestCode(wrongEmail)));

    const usedEmail = freshEmail('used');
    const usedCode = await t.requestCode(usedEmail);
    expect((await verify(t, usedEmail, usedCode)).status).toBe(200);
    const sessionsAfterFirstUse = await sessionCount(t);
    const used = await verify(t, usedEmail, usedCode);
    expect(await sessionCount(t)).toBe(sessionsAfterFirstUse);

    const unknown = await verify(t, freshEmail('never-asked'), '123456');

    const lockedEmail = freshEmail('locked');
    const lockedCode = await t.requestCode(lockedEmail);
    await guessWrong(t, lockedEmail, lockedCode, 5);
    const locked = await verify(t, lockedEmail, lockedCode);

    const expiredEmail = freshEmail('expired');
    const expiredCode = await t.requestCode(expiredEmail);
    t.clock.advance(EXPIRY_MS + 1_000);
    const expired = await verify(t, expiredEmail, expiredCode);

    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_code');
    expectMatchesOpenApi(wrong, 'POST', '/v1/otp/verify');
    for (const other of [used, unknown, locked, expired]) expect(failure(other)).toEqual(failure(wrong));
    expect(await t.container.store.users.findByEmail(expiredEmail)).toBeUndefined();
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'otp.verify.failed' }));
  });

  it('when 10 wrong tries span a resend, then even a fresh right code gets 429 with Retry-After until the hour passes', async () => {
    const email = freshEmail('budget');
    const first = await t.requestCode(email);
    const firstStatuses = await guessWrong(t, email, first, 5);
    t.clock.advance(COOLDOWN_MS);
    const second = await t.requestCode(email);
    const secondStatuses = await guessWrong(t, email, second, 5);
    t.clock.advance(COOLDOWN_MS);
    const fresh = await t.requestCode(email);
    const sessionsBefore = await sessionCount(t);

    const refused = await verify(t, email, fresh);

    expect([...firstStatuses, ...secondStatuses]).toEqual(Array<number>(10).fill(401));
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expectMatchesOpenApi(refused, 'POST', '/v1/otp/verify');
    const retryAfter = Number(refused.headers['retry-after']);
    // The oldest failure leaves the window one hour after it was made, 2 cooldowns ago.
    expect(retryAfter).toBeGreaterThan(HOUR_MS / 1000 - (2 * COOLDOWN_MS) / 1000 - 5);
    expect(retryAfter).toBeLessThanOrEqual(HOUR_MS / 1000 - (2 * COOLDOWN_MS) / 1000);
    expect(await sessionCount(t)).toBe(sessionsBefore);
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'otp.verify.locked' }));

    t.clock.advance(retryAfter * 1000 + 1_000);
    expect((await verify(t, email, await t.requestCode(email))).status).toBe(200);
  });

  it('when a sign-in succeeds, then the email failure budget starts again from zero', async () => {
    const email = freshEmail('reset');
    const first = await t.requestCode(email);
    await guessWrong(t, email, first, 5);
    t.clock.advance(COOLDOWN_MS);
    const second = await t.requestCode(email);
    await guessWrong(t, email, second, 4);
    expect((await verify(t, email, second)).status).toBe(200);
    t.clock.advance(COOLDOWN_MS);
    const third = await t.requestCode(email);

    // Without the reset, 9 + 2 failures would cross the budget of 10 on the second guess.
    const statuses = await guessWrong(t, email, third, 9);

    expect(statuses).toEqual(Array<number>(9).fill(401));
  });

  it.each([2, 3, 4])(
    'when 4 codes were sent, then code 1 is refused and code %i signs in, after which the others are refused',
    async (n) => {
      const pick = n - 2;
      const email = freshEmail(`active-${n}`);
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        codes.push(await t.requestCode(email));
        t.clock.advance(COOLDOWN_MS);
      }
      const [oldest, ...active] = codes;

      const refusedOldest = await verify(t, email, oldest);
      const signedIn = await verify(t, email, active[pick]);
      const others = await Promise.all(
        active.filter((_, i) => i !== pick).map((code) => verify(t, email, code)),
      );

      expect(refusedOldest.status).toBe(401);
      expect(signedIn.status).toBe(200);
      expect(others.map((r) => r.status)).toEqual([401, 401]);
      const rows = await t.container.store.otps.listNewest(email, 10);
      expect(rows.filter((r) => r.consumedAt === null)).toHaveLength(0);
    },
  );

  it("when A's code is sent with B's address, then 401, and A's code still works for A", async () => {
    const a = freshEmail('bind-a');
    const b = freshEmail('bind-b');
    const codeA = await t.requestCode(a);
    const codeB = await t.requestCode(b);
    expect(codeB).not.toBe(codeA); // precondition: else B's own code would match
    const sessionsBefore = await sessionCount(t);

    const withB = await verify(t, b, codeA);
    const withStranger = await verify(t, freshEmail('bind-c'), codeA);
    const withA = await verify(t, a, codeA);

    expect(withB.status).toBe(401);
    expect(withStranger.status).toBe(401);
    expect(withA.status).toBe(200);
    expect(withA.body.user.email).toBe(a);
    expect(await sessionCount(t)).toBe(sessionsBefore + 1);
    expect(await t.container.store.users.findByEmail(b)).toBeUndefined();
  });

  it('when the unversioned alias is used, then it signs in like /v1', async () => {
    const email = freshEmail('alias');
    const code = await t.requestCode(email);

    const res = await verify(t, email, code, '/otp/verify');

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'POST', '/otp/verify');
    expect(res.body.user.email).toBe(email);
  });
});

describe('POST /v1/otp/verify with a small per-IP failure budget', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { OTP_MAX_FAILED_PER_IP_PER_HOUR: '3' } });
  });
  afterAll(async () => t.close());

  it('when one IP has spent its wrong tries across addresses, then a right code from it gets 429, X-Forwarded-For or not', async () => {
    for (let i = 0; i < 3; i++) {
      const email = freshEmail(`ip-${i}`);
      expect((await verify(t, email, wrongCode(await t.requestCode(email)))).status).toBe(401);
    }
    const email = freshEmail('ip-right');
    const code = await t.requestCode(email);

    const refused = await verify(t, email, code);
    const spoofed = await t.http
      .post('/v1/otp/verify')
      .set('X-Forwarded-For', '198.51.100.77')
      .send({ email, code });

    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectMatchesOpenApi(refused, 'POST', '/v1/otp/verify');
    expect(spoofed.status).toBe(429);
    expect(await t.container.store.users.findByEmail(email)).toBeUndefined();
  });
});
