import { loadConfig } from '../../src/platform/config/config';
import { goodProduction, problemsOf } from '../helpers/config-env';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Test mode (OTP_TEST_ACCOUNTS, docs/security.md): listed addresses sign in with their fixed
 * code through the normal verify path, get no email, and stay under every rule of a code;
 * production refuses the setting.
 */

const ACCOUNTS = {
  alice: 'alice@example.test',
  bob: 'bob@example.test',
  carol: 'carol@example.test',
  dave: 'dave@example.test',
  erin: 'erin@example.test',
};
const CODE = '424242';
const OTP_TEST_ACCOUNTS = Object.values(ACCOUNTS)
  .map((email) => `${email}:${CODE}`)
  .join(',');

const request = (t: TestApp, email: string) => t.http.post('/v1/otp/request').send({ email });
const verify = (t: TestApp, email: string, code: string) =>
  t.http.post('/v1/otp/verify').send({ email, code });

describe('test mode (OTP_TEST_ACCOUNTS)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { OTP_TEST_ACCOUNTS } });
  });
  afterAll(async () => t.close());

  it('when a listed address asks for a code, then its fixed code signs it in through verify, no email is sent and the log never holds the address', async () => {
    const asked = await request(t, 'Alice@Example.test');
    await t.container.queue.drain();
    const res = await verify(t, ACCOUNTS.alice, CODE);

    expect(asked.status).toBe(202);
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(ACCOUNTS.alice);
    expect(typeof res.body.refreshToken).toBe('string');
    expect(t.mailer.to(ACCOUNTS.alice)).toHaveLength(0);
    const lines = t.logs.filter((l) => String(l.message).startsWith('test sign-in'));
    expect(lines.map((l) => l.event)).toEqual(['otp.test_account', 'otp.test_sign_in']);
    expect(t.rawLogs.join('\n')).not.toContain(ACCOUNTS.alice);
    expect(t.rawLogs.join('\n')).not.toContain(CODE);
  });

  it('when the fixed code is used twice, then the second verify is refused (single use, like any code)', async () => {
    await request(t, ACCOUNTS.bob);
    expect((await verify(t, ACCOUNTS.bob, CODE)).status).toBe(200);
    expect((await verify(t, ACCOUNTS.bob, CODE)).status).toBe(401);
  });

  it('when no code was requested, or it expired, then the fixed code is refused', async () => {
    expect((await verify(t, ACCOUNTS.carol, CODE)).status).toBe(401);
    await request(t, ACCOUNTS.carol);
    t.clock.advance(11 * 60_000);
    expect((await verify(t, ACCOUNTS.carol, CODE)).status).toBe(401);
  });

  it('when a listed address asks again inside the cooldown, then 429 with Retry-After (still rate-limited)', async () => {
    expect((await request(t, ACCOUNTS.dave)).status).toBe(202);
    const again = await request(t, ACCOUNTS.dave);
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('rate_limited');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when wrong codes spend the attempts, then the fixed code is dead too (the per-code cap holds)', async () => {
    await request(t, ACCOUNTS.erin);
    for (let i = 0; i < 5; i++) expect((await verify(t, ACCOUNTS.erin, '000000')).status).toBe(401);
    expect((await verify(t, ACCOUNTS.erin, CODE)).status).toBe(401);
  });

  it('when an address is not listed, then it gets an emailed random code as usual', async () => {
    const email = 'someone-else@example.test';
    const code = await t.requestCode(email);
    expect(t.mailer.to(email)).toHaveLength(1);
    expect((await verify(t, email, code)).status).toBe(200);
  });
});

describe('OTP_TEST_ACCOUNTS at start', () => {
  it('when set in production, then the service refuses to start, naming the setting', () => {
    const problems = problemsOf({ ...goodProduction(), OTP_TEST_ACCOUNTS });
    expect(problems).toEqual([expect.stringMatching(/^OTP_TEST_ACCOUNTS is refused in production/)]);
  });

  it.each([
    ['no colon', 'alice@example.test', /entry 1 is not email:code/],
    ['a bad address', 'alice@@x:424242', /entry 1: the address/],
    ['a code of the wrong length', 'alice@example.test:12345', /entry 1: the code must be exactly 6 digits/],
    ['letters in the code', 'alice@example.test:42424a', /entry 1: the code must be exactly 6 digits/],
    [
      'an address twice',
      'a@example.test:111111,A@example.test:222222',
      /entry 2: the address is listed twice/,
    ],
  ])(
    'when an entry has %s, then start-up fails naming OTP_TEST_ACCOUNTS, not the address',
    (_c, value, why) => {
      const problems = problemsOf({ OTP_TEST_ACCOUNTS: value });
      expect(problems).toEqual([expect.stringMatching(why)]);
      expect(problems[0]).toMatch(/^OTP_TEST_ACCOUNTS /);
      expect(problems[0]).not.toMatch(/example\.test/);
    },
  );

  it('when OTP_LENGTH is 8, then codes of 8 digits are the ones accepted', () => {
    const env = { OTP_LENGTH: '8', OTP_TEST_ACCOUNTS: 'alice@example.test:12345678' };
    expect(loadConfig(env).otp.testAccounts).toEqual(['alice@example.test:12345678']);
  });
});
