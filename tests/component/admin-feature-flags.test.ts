import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { OTP_ACCEPTED_BODY } from '../../src/modules/auth/auth.controller';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Feature flags (checklist "feature flags for gradual rollout"): `signups` holds back new
 * addresses without telling anyone (same 202, no code, no user), `unversioned_aliases`
 * switches the card's /otp/* aliases off.
 */

let seq = 0;
const freshEmail = (label: string) => `flags-${label}-${++seq}-${Date.now()}@example.com`;

describe('FEATURE_FLAGS=signups=0 (sign-ups closed)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { FEATURE_FLAGS: 'signups=0' } });
  });
  afterAll(async () => t.close());

  it('when a new address asks for a code, then the same 202 comes back but no email and no user', async () => {
    const email = freshEmail('new');

    const res = await t.http.post('/v1/otp/request').send({ email });
    await t.container.queue.drain();
    const verify = await t.http.post('/v1/otp/verify').send({ email, code: '123456' });

    expect(res.status).toBe(202);
    expect(res.body).toEqual(OTP_ACCEPTED_BODY);
    expect(t.mailer.to(email)).toHaveLength(0);
    expect(verify.status).toBe(401);
    expect(verify.body.code).toBe('invalid_code');
    expect(await t.container.store.users.findByEmail(email)).toBeUndefined();
    expect(t.logs).toContainEqual(
      expect.objectContaining({ event: 'otp.requested', outcome: 'signup_closed' }),
    );
    expect(t.rawLogs.join('\n')).not.toContain(email);
  });

  it('when an existing user asks for a code, then they get it and can sign in', async () => {
    const email = freshEmail('existing');
    await t.container.store.users.upsertOnLogin(email, t.clock.now());

    const signedIn = await t.signIn(email.toUpperCase());

    expect((await t.container.store.users.findById(signedIn.user.id))?.email).toBe(email);
    expect(t.mailer.to(email)).toHaveLength(1);
  });

  it('when a known and an unknown address ask, then the answers are identical but for the request id', async () => {
    const known = freshEmail('known');
    await t.container.store.users.upsertOnLogin(known, t.clock.now());

    const a = await t.http.post('/v1/otp/request').send({ email: known });
    const b = await t.http.post('/v1/otp/request').send({ email: freshEmail('unknown') });

    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body).toEqual(b.body);
    expect(Object.keys(a.headers).sort()).toEqual(Object.keys(b.headers).sort());
  });
});

describe('FEATURE_FLAGS=signups=50 (gradual rollout)', () => {
  it('when many new addresses ask, then only those in the rollout get a code, and each stays in its bucket', async () => {
    const t = await createTestApp({ env: { FEATURE_FLAGS: 'signups=50' } });
    try {
      const emails = Array.from({ length: 20 }, () => freshEmail('rollout'));
      for (const email of emails)
        expect((await t.http.post('/v1/otp/request').send({ email })).status).toBe(202);
      await t.container.queue.drain();

      const inside = emails.filter((e) => t.container.featureFlags.isOnFor('signups', e));
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.length).toBeLessThan(emails.length);
      for (const email of emails) expect(t.mailer.to(email)).toHaveLength(inside.includes(email) ? 1 : 0);
      const member = inside[0];
      const code = t.mailer.lastCode(member);
      expect((await t.http.post('/v1/otp/verify').send({ email: member, code })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('FEATURE_FLAGS=unversioned_aliases=off', () => {
  it('when the unversioned aliases are called, then 404, while /v1 keeps working', async () => {
    const t = await createTestApp({ env: { FEATURE_FLAGS: 'unversioned_aliases=off' } });
    try {
      const email = freshEmail('alias');
      const alias = await t.http.post('/otp/request').send({ email });
      const aliasVerify = await t.http.post('/otp/verify').send({ email, code: '123456' });
      const v1 = await t.http.post('/v1/otp/request').send({ email });

      expect([alias.status, aliasVerify.status]).toEqual([404, 404]);
      expect(alias.body.code).toBe('not_found');
      expect(v1.status).toBe(202);
    } finally {
      await t.close();
    }
  });

  it('when nothing is set, then the aliases are served (on by default)', async () => {
    const t = await createTestApp();
    try {
      expect((await t.http.post('/otp/request').send({ email: freshEmail('default') })).status).toBe(202);
    } finally {
      await t.close();
    }
  });

  it('when a flag is misspelt or out of range, then boot is refused naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', FEATURE_FLAGS: 'signup=50' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', FEATURE_FLAGS: 'signup=50' })).toThrow(
      /unknown flag "signup"/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', FEATURE_FLAGS: 'unversioned_aliases=30' })).toThrow(
      /on or off/,
    );
  });
});
