import type { Store } from '../../src/store/store';
import { HOUR, MINUTE, SECOND, hex, newOtp, now, plus, signInInput, uniqueEmail, uniqueIp } from './fixtures';
import { aUser, type ContractSuite } from './harness';

/**
 * `AuthStore.signIn` after `countVerifyAttempt`, as SignInUseCase drives them. PostgreSQL and
 * PGlite: otp_sign_in; MongoDB: a transaction (both login-rules.ts). The cases that
 * tests/component/otp-verify.test.ts ran on PGlite without the one-step functions (20 racing
 * right guesses, 4 and 5 wrong ones, 30 racing wrong ones) are here at the store, so they run
 * against MongoDB too.
 */
export const signInSuite: ContractSuite = ({ test }) => {
  describe('sign-in', () => {
    const POLICY = {
      activeCodes: 3,
      maxAttempts: 5,
      maxFailedPerIpPerHour: 1000,
      maxFailedPerEmailPerHour: 1000,
    };
    const guess = (s: Store, email: string, at: Date) =>
      s.countVerifyAttempt({ email, ip: uniqueIp(), now: at, ...POLICY });
    /** A minted code, as the mail worker leaves it. */
    const minted = async (s: Store, email: string, at: Date) => {
      const id = await s.otps.create(newOtp({ email, createdAt: plus(at, -MINUTE) }));
      expect(await s.otps.setCodeHash(id, `hash-${hex()}`, at)).toBe(true);
      return id;
    };
    /** What SignInUseCase does with a right guess: count it, then sign in if it is a candidate. */
    const rightGuess = async (s: Store, email: string, id: string, at: Date) => {
      const counted = await guess(s, email, at);
      if (counted.kind !== 'counted' || !counted.candidates.some((c) => c.id === id)) return 'refused';
      return (await s.signIn(signInInput(email, id, at))).kind;
    };

    test('when the matched code is pending, then the codes are consumed, the failures cleared, the user created and the session and token stored', async (s) => {
      const email = uniqueEmail('signin');
      const at = now();
      const id = await minted(s, email, at);
      const other = await s.otps.create(newOtp({ email, createdAt: plus(at, -2 * MINUTE) }));
      expect((await guess(s, email, at)).kind).toBe('counted');
      const input = signInInput(email, id, at);

      const out = await s.signIn(input);

      if (out.kind !== 'signed_in') throw new Error(`expected signed_in, got ${out.kind}`);
      expect(out.user).toEqual({ id: expect.any(String), email, createdAt: at, lastLoginAt: at });
      expect(out.session).toEqual({
        ...input.session,
        userId: out.user.id,
        revokedAt: null,
        revokedReason: null,
        aal: 'aal1',
        authenticatedAt: null,
      });
      expect(await s.users.findByEmail(email)).toEqual(out.user);
      expect(await s.sessions.findById(input.session.id)).toEqual(out.session);
      expect(await s.refreshTokens.findByHash(input.refreshTokenHash)).toEqual({
        tokenHash: input.refreshTokenHash,
        sessionId: input.session.id,
        parentHash: null,
        createdAt: input.session.createdAt,
        rotatedAt: null,
      });
      const codes = await s.otps.listNewest(email, 10);
      expect(codes.map((o) => [o.id, o.consumedAt])).toEqual(
        expect.arrayContaining([
          [id, at],
          [other, at],
        ]),
      );
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(0);
    });

    test('when the address is a user already, then its id and createdAt stay and lastLoginAt moves', async (s) => {
      const user = await aUser(s);
      const at = plus(now(), MINUTE);
      const id = await minted(s, user.email, at);
      const out = await s.signIn(signInInput(user.email, id, at));
      expect(out).toMatchObject({ kind: 'signed_in', user: { ...user, lastLoginAt: at } });
    });

    test('when 20 right guesses race, then exactly one signs in: one user, one session', async (s) => {
      const email = uniqueEmail('race');
      const at = now();
      const id = await minted(s, email, at);
      const sessionsBefore = await s.sessions.count({});

      const outs = await Promise.all(Array.from({ length: 20 }, () => rightGuess(s, email, id, at)));

      expect(outs.filter((o) => o === 'signed_in')).toHaveLength(1);
      expect(await s.sessions.count({})).toBe(sessionsBefore + 1);
      expect((await s.users.findByEmail(email))?.email).toBe(email);
    });

    test('when 4 wrong guesses precede the right one, then it still signs in', async (s) => {
      const email = uniqueEmail('four-wrong');
      const at = now();
      const id = await minted(s, email, at);
      for (let i = 0; i < 4; i++) expect((await guess(s, email, at)).kind).toBe('counted');
      expect(await rightGuess(s, email, id, at)).toBe('signed_in');
    });

    test('when 5 wrong guesses were counted, then the right one finds no candidate and no session is made', async (s) => {
      const email = uniqueEmail('five-wrong');
      const at = now();
      const id = await minted(s, email, at);
      for (let i = 0; i < 5; i++) await guess(s, email, at);
      const sessionsBefore = await s.sessions.count({});

      expect(await rightGuess(s, email, id, at)).toBe('refused');
      expect((await s.otps.listNewest(email, 1))[0].attempts).toBe(5);
      expect(await s.sessions.count({})).toBe(sessionsBefore);
    });

    test('when 30 wrong guesses race, then exactly the 5 attempts are counted, the address charged for those 5 only, and the code is dead', async (s) => {
      const email = uniqueEmail('burst');
      const at = now();
      const id = await minted(s, email, at);

      const outs = await Promise.all(Array.from({ length: 30 }, () => guess(s, email, at)));

      const withCode = outs.filter((o) => o.kind === 'counted' && o.candidates.some((c) => c.id === id));
      expect(withCode).toHaveLength(5);
      expect((await s.otps.listNewest(email, 1))[0].attempts).toBe(5);
      // Only the 5 that met a live code spend the address's budget; all 30 spend the IPs'.
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(5);
      expect(await rightGuess(s, email, id, at)).toBe('refused');
      expect(await s.users.findByEmail(email)).toBeUndefined();
    });

    test('when the matched code was consumed or has expired, then code_used, nothing is written and the guess stays a failure', async (s) => {
      const email = uniqueEmail('used');
      const at = now();
      const id = await minted(s, email, at);
      expect(await rightGuess(s, email, id, at)).toBe('signed_in');
      const user = await s.users.findByEmail(email);
      const expiring = await minted(s, email, at);
      // A guess while `expiring` is live: the address's failure, which no refusal below clears.
      await guess(s, email, at);
      const sessionsBefore = await s.sessions.count({});

      const again = signInInput(email, id, plus(at, SECOND));
      expect(await s.signIn(again)).toEqual({ kind: 'code_used' });
      const late = signInInput(email, expiring, plus(at, HOUR));
      expect(await s.signIn(late)).toEqual({ kind: 'code_used' });

      expect(await s.sessions.count({})).toBe(sessionsBefore);
      expect(await s.refreshTokens.findByHash(again.refreshTokenHash)).toBeUndefined();
      expect(await s.users.findByEmail(email)).toEqual(user);
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(1);
      // Both codes were created at the same instant: find the second by id, not by order.
      const codes = await s.otps.listNewest(email, 10);
      expect(codes.find((o) => o.id === expiring)).toMatchObject({ id: expiring, consumedAt: null });
    });

    test('when a new address may not sign up, then signup_closed and nothing is written; an existing user signs in regardless', async (s) => {
      const email = uniqueEmail('closed');
      const at = now();
      const id = await minted(s, email, at);
      await guess(s, email, at);

      const closed = signInInput(email, id, at, { mayCreateUser: false });
      expect(await s.signIn(closed)).toEqual({ kind: 'signup_closed' });
      expect(await s.users.findByEmail(email)).toBeUndefined();
      expect(await s.sessions.findById(closed.session.id)).toBeUndefined();
      expect((await s.otps.listNewest(email, 1))[0].consumedAt).toBeNull();
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(1);

      const user = await aUser(s);
      const theirs = await minted(s, user.email, at);
      const out = await s.signIn(signInInput(user.email, theirs, at, { mayCreateUser: false }));
      expect(out).toMatchObject({ kind: 'signed_in', user: { id: user.id } });
    });
  });
};
