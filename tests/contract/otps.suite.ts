import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store/store';
import {
  SECOND,
  MINUTE,
  uniqueDomain,
  uniqueEmail,
  uniqueIp,
  now,
  plus,
  windowIn,
  newOtp,
  signInInput,
} from './fixtures';
import type { ContractSuite } from './harness';

export const otpsSuite: ContractSuite = ({ test }) => {
  describe('otps', () => {
    const newest = async (s: Store, email: string, limit = 10) => s.otps.listNewest(email, limit);

    test('when a code is created, then it is pending: no hash, no attempts, not consumed', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      expect(typeof id).toBe('string');
      expect(await newest(s, input.email)).toEqual([
        {
          id,
          email: input.email,
          codeHash: null,
          attempts: 0,
          createdAt: input.createdAt,
          expiresAt: input.expiresAt,
          consumedAt: null,
        },
      ]);
    });

    test('when setCodeHash runs on a pending code, then the hash is stored', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      expect(await s.otps.setCodeHash(id, 'hash-1', plus(input.createdAt, SECOND))).toBe(true);
      expect((await newest(s, input.email))[0].codeHash).toBe('hash-1');
    });

    test('when setCodeHash runs after the code was consumed at sign-in, then it is refused and nothing changes', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      const signedIn = await s.signIn(signInInput(input.email, id, plus(input.createdAt, SECOND)));
      expect(signedIn.kind).toBe('signed_in');
      expect(await s.otps.setCodeHash(id, 'late', plus(input.createdAt, 2 * SECOND))).toBe(false);
      expect((await newest(s, input.email))[0].codeHash).toBeNull();
    });

    test('when setCodeHash runs at or after expiry, then it is refused', async (s) => {
      const input = newOtp();
      const id = await s.otps.create(input);
      expect(await s.otps.setCodeHash(id, 'at-expiry', input.expiresAt)).toBe(false);
      expect(await s.otps.setCodeHash(id, 'after', plus(input.expiresAt, SECOND))).toBe(false);
      expect((await newest(s, input.email))[0].codeHash).toBeNull();
    });

    test('when setCodeHash names an unknown code, then it is false', async (s) => {
      expect(await s.otps.setCodeHash(randomUUID(), 'x', now())).toBe(false);
    });

    test('when latestCreatedAt is asked, then it is the newest createdAt, or undefined', async (s) => {
      const email = uniqueEmail('latest');
      const t0 = now();
      await s.otps.create(newOtp({ email, createdAt: plus(t0, 2 * SECOND) }));
      await s.otps.create(newOtp({ email, createdAt: t0 }));
      expect(await s.otps.latestCreatedAt(email)).toEqual(plus(t0, 2 * SECOND));
      expect(await s.otps.latestCreatedAt(uniqueEmail('none'))).toBeUndefined();
    });

    test('when counting by email, IP or domain, then only codes created strictly after `since` count', async (s) => {
      const domain = uniqueDomain();
      const ip = uniqueIp();
      const email = uniqueEmail('count', domain);
      const other = uniqueEmail('count-other', domain);
      const t0 = now();
      for (const sec of [0, 1, 2]) {
        await s.otps.create(newOtp({ email, requestIp: ip, createdAt: plus(t0, sec * SECOND) }));
      }
      await s.otps.create(newOtp({ email: other, requestIp: ip, createdAt: plus(t0, SECOND) }));
      await s.otps.create(newOtp({ email: other, createdAt: plus(t0, SECOND) }));

      const before = plus(t0, -1);
      expect(await s.otps.countCreatedSince({ email }, before)).toBe(3);
      expect(await s.otps.countCreatedSince({ email }, t0)).toBe(2);
      expect(await s.otps.countCreatedSince({ email }, plus(t0, 2 * SECOND))).toBe(0);
      expect(await s.otps.countCreatedSince({ requestIp: ip }, before)).toBe(4);
      expect(await s.otps.countCreatedSince({ requestIp: ip }, t0)).toBe(3);
      expect(await s.otps.countCreatedSince({ emailDomain: domain }, before)).toBe(5);
      expect(await s.otps.countCreatedSince({ emailDomain: domain }, t0)).toBe(4);
      expect(await s.otps.countCreatedSince({ email: other, requestIp: ip }, before)).toBe(1);
      expect(await s.otps.countCreatedSince({ email: uniqueEmail('none') }, before)).toBe(0);
    });

    test('when listNewest is asked for N, then it returns the N newest codes, newest first', async (s) => {
      const email = uniqueEmail('newest');
      const t0 = now();
      const ids: Record<number, string> = {};
      for (const sec of [2, 0, 3, 1]) {
        ids[sec] = await s.otps.create(newOtp({ email, createdAt: plus(t0, sec * SECOND) }));
      }
      await s.otps.create(newOtp({ createdAt: plus(t0, 9 * SECOND) }));
      const locked = await newest(s, email, 3);
      expect(locked.map((o) => o.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(locked.every((o) => o.email === email)).toBe(true);
      expect(await newest(s, uniqueEmail('none'), 3)).toEqual([]);
    });

    test('when deleteStale runs, then codes expired and created before the cut-off go, others stay', async (s) => {
      const base = windowIn(1980, 5);
      const email = uniqueEmail('stale');
      await s.otps.create(newOtp({ email, createdAt: base, expiresAt: plus(base, 10 * MINUTE) }));
      await s.otps.create(
        newOtp({ email, createdAt: plus(base, MINUTE), expiresAt: plus(base, 11 * MINUTE) }),
      );
      const alive = await s.otps.create(
        newOtp({ email, createdAt: plus(base, 30 * MINUTE), expiresAt: plus(base, 40 * MINUTE) }),
      );
      expect(await s.otps.deleteStale(plus(base, 20 * MINUTE))).toBe(2);
      expect((await newest(s, email)).map((o) => o.id)).toEqual([alive]);
    });
  });
};
