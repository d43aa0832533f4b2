import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Strangers can neither silence a domain nor lock an owner out, and the owner is told
 * (docs/security.md, "Owners, domains and the guessing bound"). Through the real app on
 * PGlite; the attacker and the owner come from different networks (TRUST_PROXY=loopback).
 */

const COOLDOWN_MS = 61_000;
const HOUR_MS = 3_600_000;
const ATTACKER = '198.51.100.9';
const OWNER = '203.0.113.20';

let seq = 0;
const wrongCode = (code: string, k = 1) => String((Number(code) + k) % 1_000_000).padStart(6, '0');
const isNotice = (subject: string) => /trying to sign in|essaie de se connecter/.test(subject);

async function requestFrom(t: TestApp, email: string, ip: string) {
  const res = await t.http.post('/v1/otp/request').set('X-Forwarded-For', ip).send({ email });
  expect(res.status).toBe(202);
  await t.container.queue.drain();
}

const verifyFrom = (t: TestApp, email: string, code: string, ip: string, lang = 'en') =>
  t.http.post('/v1/otp/verify').set('X-Forwarded-For', ip).set('Accept-Language', lang).send({ email, code });

/** An account at `domain`, signed in once (its codes are then consumed: none is live). */
async function anOwner(t: TestApp, domain: string) {
  const email = `owner-${++seq}@${domain}`;
  await t.signIn(email);
  return email;
}

describe('a domain cannot be silenced', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback', OTP_MAX_PER_DOMAIN_PER_HOUR: '4' } });
  });
  afterAll(async () => t.close());

  it('when random new addresses spent the domain cap, then its existing users still get codes and sign in, and new addresses stay capped', async () => {
    const domain = `big-${++seq}.example`;
    const owner = await anOwner(t, domain);
    // The owner's sign-in took one of the domain's 4 codes; random addresses take the rest.
    for (let i = 0; i < 3; i++) await requestFrom(t, `random-${i}-${seq}@${domain}`, ATTACKER);
    const stranger = `new-${seq}@${domain}`;
    await requestFrom(t, stranger, ATTACKER);
    expect(t.mailer.to(stranger)).toHaveLength(0);

    const before = t.mailer.to(owner).length;
    await requestFrom(t, owner, OWNER);
    expect(t.mailer.to(owner)).toHaveLength(before + 1);
    const res = await verifyFrom(t, owner, t.mailer.lastCode(owner), OWNER);
    expect(res.status).toBe(200);
  });
});

describe('an owner cannot be locked out, and is told of guessing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => t.close());

  it('when 12 wrong guesses hit an address with no live code, then each is the usual 401, no notice is sent, and the owner signs in', async () => {
    const owner = await anOwner(t, 'example.com');
    const mailsBefore = t.mailer.to(owner).length;
    for (let k = 1; k <= 12; k++) {
      const res = await verifyFrom(t, owner, wrongCode('000000', k), ATTACKER);
      expect([res.status, res.body.code]).toEqual([401, 'invalid_code']);
    }
    expect(t.mailer.to(owner)).toHaveLength(mailsBefore);

    await requestFrom(t, owner, OWNER);
    const res = await verifyFrom(t, owner, t.mailer.lastCode(owner), OWNER);
    expect(res.status).toBe(200);
  });

  it('when the same idle guesses come from one network, then they still spend that network’s budget', async () => {
    const app = await createTestApp({
      env: { TRUST_PROXY: 'loopback', OTP_MAX_FAILED_PER_IP_PER_HOUR: '12' },
    });
    try {
      const statuses: number[] = [];
      for (let k = 1; k <= 13; k++) {
        const email = `idle-${k}-${++seq}@example.com`;
        statuses.push((await verifyFrom(app, email, '123456', ATTACKER)).status);
      }
      expect(statuses).toEqual([...Array<number>(12).fill(401), 429]);
    } finally {
      await app.close();
    }
  });

  it('when guesses at live codes spend the budget, then the owner gets one localised notice with no code, and no second one within the hour', async () => {
    const owner = await anOwner(t, 'example.org');
    const notices = () => t.mailer.to(owner).filter((m) => isNotice(m.subject));
    /** A code for the owner's address (as the attacker can ask for), then `n` wrong guesses. */
    const spend = async (n: number, lang = 'en') => {
      t.clock.advance(COOLDOWN_MS);
      await requestFrom(t, owner, ATTACKER);
      const code = t.mailer.lastCode(owner);
      const statuses: number[] = [];
      for (let k = 1; k <= n; k++) {
        statuses.push((await verifyFrom(t, owner, wrongCode(code, k), ATTACKER, lang)).status);
        await t.container.queue.drain();
      }
      return { code, statuses };
    };

    const first = await spend(5);
    const second = await spend(5, 'fr-CA');
    expect([...first.statuses, ...second.statuses]).toEqual(Array<number>(10).fill(401));
    expect(notices()).toHaveLength(1);
    const [notice] = notices();
    expect(notice.subject).toContain('essaie de se connecter');
    // No code (of these or any other digits) and no network in it.
    expect(`${notice.subject}\n${notice.text}`).not.toMatch(/\d{6}/);
    for (const part of [notice.subject, notice.text, notice.html]) {
      for (const secret of [first.code, second.code, ATTACKER]) expect(part).not.toContain(secret);
    }
    expect(t.logs).toContainEqual(expect.objectContaining({ event: 'otp.guess_notice' }));
    // Spent: the 11th guess is refused, and refusals send nothing.
    expect((await verifyFrom(t, owner, second.code, ATTACKER)).status).toBe(429);
    await t.container.queue.drain();
    expect(notices()).toHaveLength(1);

    // An hour on, the first five failures age out; five more guesses spend the budget again,
    // less than an hour after the notice: no second one.
    t.clock.advance(HOUR_MS - 2 * COOLDOWN_MS);
    const again = await spend(5);
    expect(again.statuses).toEqual(Array<number>(5).fill(401));
    expect((await verifyFrom(t, owner, again.code, ATTACKER)).status).toBe(429);
    expect(notices()).toHaveLength(1);

    // Over an hour after the notice, a fresh spend tells the owner again.
    t.clock.advance(HOUR_MS);
    await spend(5);
    await spend(5);
    expect(notices()).toHaveLength(2);
  });
});
