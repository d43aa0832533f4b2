import { randomUUID } from 'node:crypto';
import {
  SECOND,
  MINUTE,
  HOUR,
  uniqueEmail,
  uniqueIp,
  now,
  plus,
  windowIn,
  byCreatedThenId,
  newOtp,
} from './fixtures';
import { aUser, type ContractSuite } from './harness';

export const usersSuite: ContractSuite = ({ test }) => {
  describe('users', () => {
    test('when upsertOnLogin sees a new email, then it creates the user stamped with now', async (s) => {
      const email = uniqueEmail('new');
      const at = now();
      const user = await s.users.upsertOnLogin(email, at);
      expect(user).toEqual({ id: expect.any(String), email, createdAt: at, lastLoginAt: at });
    });

    test('when upsertOnLogin sees a known email, then it updates lastLoginAt and keeps id and createdAt', async (s) => {
      const email = uniqueEmail('again');
      const first = await s.users.upsertOnLogin(email, now());
      const later = plus(first.createdAt, 5 * MINUTE);
      const second = await s.users.upsertOnLogin(email, later);
      expect(second).toEqual({ id: first.id, email, createdAt: first.createdAt, lastLoginAt: later });
      expect(await s.users.findByEmail(email)).toEqual(second);
    });

    test('when 10 first logins of one email race, then exactly one user exists and none fails', async (s) => {
      const email = uniqueEmail('race');
      const before = await s.users.count();
      const at = now();
      const users = await Promise.all(
        Array.from({ length: 10 }, (_, i) => s.users.upsertOnLogin(email, plus(at, i))),
      );
      expect(new Set(users.map((u) => u.id)).size).toBe(1);
      expect(await s.users.count()).toBe(before + 1);
      expect((await s.users.findByEmail(email))?.id).toBe(users[0].id);
    });

    test('when looked up by email or id, then the user is found; unknown ones are undefined', async (s) => {
      const user = await aUser(s);
      expect(await s.users.findByEmail(user.email)).toEqual(user);
      expect(await s.users.findById(user.id)).toEqual(user);
      expect(await s.users.findByEmail(uniqueEmail('nobody'))).toBeUndefined();
      expect(await s.users.findById(randomUUID())).toBeUndefined();
    });

    test('when listed with a cursor, then pages follow (createdAt, id) order without gaps or repeats', async (s) => {
      const base = windowIn(2200, 500);
      const marker = await s.users.upsertOnLogin(uniqueEmail('marker'), base);
      const later = await Promise.all(
        [3, 2, 2, 1].map((sec, i) =>
          s.users.upsertOnLogin(uniqueEmail(`page${i}`), plus(base, sec * SECOND)),
        ),
      );
      const expected = [...later].sort(byCreatedThenId).map((u) => u.id);

      const page1 = await s.users.list({ limit: 2, after: marker });
      const page2 = await s.users.list({ limit: 2, after: page1[1] });
      const page3 = await s.users.list({ limit: 2, after: page2[1] });

      expect(page1.map((u) => u.id)).toEqual(expected.slice(0, 2));
      expect(page2.map((u) => u.id)).toEqual(expected.slice(2, 4));
      expect(page3.filter((u) => expected.includes(u.id) || u.id === marker.id)).toEqual([]);
      expect(page1[0]).toEqual(later.find((u) => u.id === expected[0]));
    });

    test('when listed without a cursor, then the first page starts at the oldest user, in order', async (s) => {
      const oldest = await s.users.upsertOnLogin(uniqueEmail('oldest'), windowIn(1971, 1));
      await aUser(s);
      const page = await s.users.list({ limit: 3 });
      expect(page[0]).toEqual(oldest);
      expect(page.length).toBeLessThanOrEqual(3);
      expect([...page].sort(byCreatedThenId)).toEqual(page);
    });

    test('when a user is deleted, then it is gone, a second delete is false and count follows', async (s) => {
      const before = await s.users.count();
      const a = await aUser(s);
      await aUser(s);
      expect(await s.users.count()).toBe(before + 2);

      expect(await s.users.delete(a.id)).toBe(true);
      expect(await s.users.delete(a.id)).toBe(false);
      expect(await s.users.findById(a.id)).toBeUndefined();
      expect(await s.users.findByEmail(a.email)).toBeUndefined();
      expect(await s.users.count()).toBe(before + 1);
      expect(await s.users.delete(randomUUID())).toBe(false);
    });

    test("when a user is deleted, then their address's codes and failures go too, others' stay", async (s) => {
      const [a, b] = [await aUser(s), await aUser(s)];
      for (const u of [a, b]) {
        await s.otps.create(newOtp({ email: u.email }));
        await s.authFailures.record({ email: u.email, ip: uniqueIp(), at: now() });
      }
      expect(await s.users.delete(a.id)).toBe(true);
      const hourAgo = plus(now(), -HOUR);
      expect(await s.otps.listNewest(a.email, 5)).toEqual([]);
      expect(await s.authFailures.countSince({ email: a.email }, hourAgo)).toBe(0);
      expect(await s.otps.listNewest(b.email, 5)).toHaveLength(1);
      expect(await s.authFailures.countSince({ email: b.email }, hourAgo)).toBe(1);
    });

    test("when a user is deleted, then their address's guess-notice mark goes too: a new owner is told at once", async (s) => {
      const a = await aUser(s);
      const spend = async (at: Date) => {
        const id = await s.otps.create(newOtp({ email: a.email, createdAt: at }));
        expect(await s.otps.setCodeHash(id, `hash-${randomUUID()}`, at)).toBe(true);
        const policy = {
          activeCodes: 3,
          maxAttempts: 10,
          maxFailedPerIpPerHour: 100,
          maxFailedPerEmailPerHour: 1,
        };
        return s.countVerifyAttempt({ email: a.email, ip: uniqueIp(), now: at, ...policy });
      };
      expect(await spend(now())).toMatchObject({ kind: 'counted', ownerNotice: true });
      expect(await s.users.delete(a.id)).toBe(true);
      // Kept failures would lock this guess; a kept mark would hold the notice back for an hour.
      await s.users.upsertOnLogin(a.email, now());
      expect(await spend(plus(now(), MINUTE))).toMatchObject({ kind: 'counted', ownerNotice: true });
    });

    test('when a user moves to a free address, then it is theirs; a taken one is refused unchanged', async (s) => {
      const [a, b] = [await aUser(s), await aUser(s)];
      const fresh = uniqueEmail('moved');
      expect(await s.users.changeEmail(a.id, fresh)).toBe('changed');
      expect(await s.users.findByEmail(fresh)).toEqual({ ...a, email: fresh });
      expect(await s.users.findByEmail(a.email)).toBeUndefined();
      expect(await s.users.changeEmail(a.id, b.email)).toBe('taken');
      expect(await s.users.findById(a.id)).toMatchObject({ email: fresh });
      expect(await s.users.findById(b.id)).toEqual(b);
      expect(await s.users.changeEmail(randomUUID(), uniqueEmail('nobody'))).toBe('not_found');
    });
  });
};
