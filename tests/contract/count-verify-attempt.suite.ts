import type { NewOtp, VerifyAttemptInput } from '../../src/modules/auth/auth.ports';
import type { Store } from '../../src/store/store';
import { HOUR, MINUTE, SECOND, hex, newOtp, now, plus, signInInput, uniqueEmail, uniqueIp } from './fixtures';
import { type ContractSuite } from './harness';

/**
 * `AuthStore.countVerifyAttempt`. PostgreSQL and PGlite: otp_count_verify_attempt (migration 7);
 * MongoDB: a transaction (both login-rules.ts).
 */
export const countVerifyAttemptSuite: ContractSuite = ({ test }) => {
  describe('verify attempt counting', () => {
    const count = (s: Store, input: VerifyAttemptInput) => s.countVerifyAttempt(input);
    const attempt = (
      email: string,
      at: Date,
      overrides: Partial<VerifyAttemptInput> = {},
    ): VerifyAttemptInput => ({
      email,
      ip: uniqueIp(),
      now: at,
      activeCodes: 3,
      maxAttempts: 3,
      maxFailedPerIpPerHour: 2,
      maxFailedPerEmailPerHour: 4,
      ...overrides,
    });
    /** A code row with a hash, as the mail worker leaves it (a candidate carries its request time). */
    const code = async (s: Store, overrides: Partial<NewOtp>) => {
      const otp = newOtp(overrides);
      const id = await s.otps.create(otp);
      const hash = `hash-${hex()}`;
      expect(await s.otps.setCodeHash(id, hash, overrides.createdAt ?? now())).toBe(true);
      return { id, codeHash: hash, createdAt: otp.createdAt };
    };
    const byId = async (s: Store, email: string) =>
      new Map((await s.otps.listNewest(email, 10)).map((o) => [o.id, o]));
    const sorted = (c: Array<{ id: string; codeHash: string }>) =>
      [...c].sort((a, b) => a.id.localeCompare(b.id));

    test('when budgets are left, then each live code gains an attempt, one failure is recorded and the live codes come back', async (s) => {
      const email = uniqueEmail('count');
      const t0 = plus(now(), -5 * MINUTE);
      // Spent first, while it is the address's only code: three counted guesses.
      const spent = await code(s, { email, createdAt: plus(t0, 2 * MINUTE) });
      for (let i = 0; i < 3; i++) await count(s, attempt(email, now()));
      const failuresBefore = await s.authFailures.countSince({ email }, plus(now(), -HOUR));
      const oldest = await code(s, { email, createdAt: t0 });
      const live1 = await code(s, { email, createdAt: plus(t0, MINUTE) });
      const expired = await code(s, {
        email,
        createdAt: plus(t0, 3 * MINUTE),
        expiresAt: plus(t0, 4 * MINUTE),
      });
      const live2 = await code(s, { email, createdAt: plus(t0, 4 * MINUTE) });
      const unminted = await s.otps.create(newOtp({ email, createdAt: plus(t0, 4 * MINUTE + SECOND) }));
      const at = now();
      const input = attempt(email, at, { activeCodes: 5 });

      const out = await count(s, input);

      if (out.kind !== 'counted') throw new Error(`expected counted, got ${out.kind}`);
      // The oldest code is beyond the 5 newest: not a candidate, and untouched.
      expect(sorted(out.candidates)).toEqual(sorted([live1, live2]));
      const rows = await byId(s, email);
      expect(rows.get(live1.id)?.attempts).toBe(1);
      expect(rows.get(live2.id)?.attempts).toBe(1);
      expect(rows.get(oldest.id)?.attempts).toBe(0);
      expect(rows.get(spent.id)?.attempts).toBe(3);
      expect(rows.get(expired.id)?.attempts).toBe(0);
      expect(rows.get(unminted)?.attempts).toBe(0);
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(failuresBefore + 1);
      expect(await s.authFailures.countSince({ ip: input.ip }, plus(at, -HOUR))).toBe(1);
    });

    test('when the IP spent its failure budget, then it is locked until its oldest failure of the hour ages out, and nothing changes', async (s) => {
      const email = uniqueEmail('iplocked');
      const ip = uniqueIp();
      const at = now();
      const live = await code(s, { email, createdAt: plus(at, -MINUTE) });
      await s.authFailures.record({ email: uniqueEmail('other'), ip, at: plus(at, -2 * HOUR) });
      await s.authFailures.record({ email: uniqueEmail('other'), ip, at: plus(at, -40 * MINUTE) });
      await s.authFailures.record({ email: uniqueEmail('other'), ip, at: plus(at, -10 * MINUTE) });

      expect(await count(s, attempt(email, at, { ip }))).toEqual({
        kind: 'locked',
        retryAfterSeconds: 20 * 60,
      });
      expect((await byId(s, email)).get(live.id)?.attempts).toBe(0);
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(0);
    });

    test('when the address spent its failure budget, then it is locked from any IP', async (s) => {
      const email = uniqueEmail('emaillocked');
      const at = now();
      for (let i = 1; i <= 4; i++) {
        await s.authFailures.record({ email, ip: uniqueIp(), at: plus(at, -i * 5 * MINUTE) });
      }
      expect(await count(s, attempt(email, at))).toEqual({ kind: 'locked', retryAfterSeconds: 40 * 60 });
    });

    test('when six guesses race on a code with three attempts, then exactly three get it as a candidate', async (s) => {
      const email = uniqueEmail('race');
      const at = now();
      const target = await code(s, { email, createdAt: plus(at, -MINUTE) });
      const outs = await Promise.all(
        Array.from({ length: 6 }, () =>
          count(s, attempt(email, at, { maxFailedPerIpPerHour: 100, maxFailedPerEmailPerHour: 100 })),
        ),
      );
      const withCode = outs.filter(
        (o) => o.kind === 'counted' && o.candidates.some((c) => c.id === target.id),
      );
      expect(withCode).toHaveLength(3);
      expect((await byId(s, email)).get(target.id)?.attempts).toBe(3);
      // The three that found the code dead had nothing to match: the address is not charged.
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(3);
    });

    test('when the address has no live code, then the guess is the IP’s failure only: no attempts, and the address is never locked by it', async (s) => {
      const email = uniqueEmail('idle');
      const at = now();
      const ip = uniqueIp();
      const unminted = await s.otps.create(newOtp({ email, createdAt: plus(at, -MINUTE) }));
      const budgets = { ip, maxFailedPerIpPerHour: 100, maxFailedPerEmailPerHour: 4 };
      for (let i = 0; i < 10; i++) {
        expect(await count(s, attempt(email, at, budgets))).toEqual({
          kind: 'counted',
          candidates: [],
          ownerNotice: false,
        });
      }
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(0);
      expect(await s.authFailures.countSince({ ip }, plus(at, -HOUR))).toBe(10);
      expect((await byId(s, email)).get(unminted)?.attempts).toBe(0);

      // A code minted now is live: the owner's guess finds it, and it costs the address.
      const live = await code(s, { email, createdAt: at });
      const out = await count(s, attempt(email, at, { maxFailedPerEmailPerHour: 4 }));
      expect(out).toEqual({ kind: 'counted', candidates: [live], ownerNotice: false });
      expect(await s.authFailures.countSince({ email }, plus(at, -HOUR))).toBe(1);
    });

    test('when a guess at live codes spends the address’s budget, then it alone asks for an owner notice, once an hour', async (s) => {
      const email = uniqueEmail('notice');
      const at = now();
      const policy = { maxAttempts: 10, maxFailedPerIpPerHour: 100, maxFailedPerEmailPerHour: 4 };
      await code(s, { email, createdAt: plus(at, -MINUTE) });
      const notices: boolean[] = [];
      for (let i = 0; i < 5; i++) {
        const out = await count(s, attempt(email, plus(at, i * SECOND), policy));
        notices.push(out.kind === 'counted' && out.ownerNotice);
      }
      // Four guesses spend the budget (the fourth asks for the notice); the fifth is locked.
      expect(notices).toEqual([false, false, false, true, false]);

      // The owner signs in (the failures are cleared) and the budget is spent again within
      // the hour: no second notice. An hour after the first, the next spend asks again.
      const spendAgain = async (from: Date) => {
        await s.signIn(signInInput(email, (await code(s, { email, createdAt: from })).id, from));
        const got: boolean[] = [];
        await code(s, { email, createdAt: from });
        for (let i = 1; i <= 4; i++) {
          const out = await count(s, attempt(email, plus(from, i * SECOND), policy));
          got.push(out.kind === 'counted' && out.ownerNotice);
        }
        return got;
      };
      expect(await spendAgain(plus(at, 10 * MINUTE))).toEqual([false, false, false, false]);
      expect(await spendAgain(plus(at, HOUR + MINUTE))).toEqual([false, false, false, true]);
    });

    test('when the address is suppressed, then spending its budget asks for no notice', async (s) => {
      const email = uniqueEmail('suppressed');
      const at = now();
      await s.suppressions.add({ email, reason: 'complaint', source: 'test', createdAt: at });
      await code(s, { email, createdAt: plus(at, -MINUTE) });
      const policy = { maxAttempts: 10, maxFailedPerIpPerHour: 100, maxFailedPerEmailPerHour: 2 };
      const outs = [await count(s, attempt(email, at, policy)), await count(s, attempt(email, at, policy))];
      expect(outs.map((o) => o.kind === 'counted' && o.ownerNotice)).toEqual([false, false]);
      expect(await count(s, attempt(email, at, policy))).toMatchObject({ kind: 'locked' });
    });
  });
};
