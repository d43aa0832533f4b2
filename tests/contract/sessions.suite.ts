import { randomUUID } from 'node:crypto';
import {
  SECOND,
  MINUTE,
  HOUR,
  now,
  plus,
  windowIn,
  newSession,
  newRefresh,
  byCreatedThenId,
} from './fixtures';
import { aUser, type ContractSuite } from './harness';

export const sessionsSuite: ContractSuite = ({ test }) => {
  describe('sessions', () => {
    test('when a session is created, then it is returned and found as stored, not revoked', async (s) => {
      const user = await aUser(s);
      const input = newSession(user.id, { ip: null, userAgent: null, deviceFingerprint: null });
      const created = await s.sessions.create(input);
      expect(created).toEqual({
        ...input,
        revokedAt: null,
        revokedReason: null,
        aal: 'aal1',
        authenticatedAt: null,
      });
      expect(await s.sessions.findById(input.id)).toEqual(created);
      expect(await s.sessions.findById(randomUUID())).toBeUndefined();
    });

    test('when revoked, then the first call is true and stamps it, later calls are false', async (s) => {
      const user = await aUser(s);
      const created = await s.sessions.create(newSession(user.id));
      const at = plus(created.createdAt, MINUTE);
      expect(await s.sessions.revoke(created.id, at, 'logout')).toBe(true);
      expect(await s.sessions.revoke(created.id, plus(at, MINUTE), 'again')).toBe(false);
      expect(await s.sessions.revoke(created.id, plus(at, 2 * MINUTE), 'thrice')).toBe(false);
      expect(await s.sessions.findById(created.id)).toMatchObject({
        revokedAt: at,
        revokedReason: 'logout',
      });
      expect(await s.sessions.revoke(randomUUID(), at, 'unknown')).toBe(false);
    });

    test('when all of a user’s sessions are revoked, then only that user’s live ones count', async (s) => {
      const user = await aUser(s);
      const other = await aUser(s);
      const a = await s.sessions.create(newSession(user.id));
      const b = await s.sessions.create(newSession(user.id));
      const earlier = await s.sessions.create(newSession(user.id));
      const theirs = await s.sessions.create(newSession(other.id));
      const t0 = plus(a.createdAt, MINUTE);
      await s.sessions.revoke(earlier.id, t0, 'logout');

      expect(await s.sessions.revokeAllForUser(user.id, plus(t0, MINUTE), 'admin')).toBe(2);
      expect(await s.sessions.revokeAllForUser(user.id, plus(t0, 2 * MINUTE), 'admin')).toBe(0);
      for (const id of [a.id, b.id]) {
        expect(await s.sessions.findById(id)).toMatchObject({
          revokedAt: plus(t0, MINUTE),
          revokedReason: 'admin',
        });
      }
      expect(await s.sessions.findById(earlier.id)).toMatchObject({
        revokedAt: t0,
        revokedReason: 'logout',
      });
      expect((await s.sessions.findById(theirs.id))?.revokedAt).toBeNull();
    });

    test('when listing active sessions, then revoked and expired ones are left out, newest first, by cursor', async (s) => {
      const user = await aUser(s);
      const t0 = now();
      const at = (sec: number) => plus(t0, sec * SECOND);
      const s1 = await s.sessions.create(newSession(user.id, { createdAt: at(1) }));
      const s2 = await s.sessions.create(newSession(user.id, { createdAt: at(2) }));
      const s3 = await s.sessions.create(newSession(user.id, { createdAt: at(3) }));
      const s3b = await s.sessions.create(newSession(user.id, { createdAt: at(3) }));
      const revoked = await s.sessions.create(newSession(user.id, { createdAt: at(4) }));
      await s.sessions.revoke(revoked.id, at(5), 'logout');
      const listAt = at(10);
      await s.sessions.create(newSession(user.id, { createdAt: at(5), expiresAt: at(9) }));
      await s.sessions.create(newSession(user.id, { createdAt: at(6), expiresAt: listAt }));
      await s.sessions.create(newSession((await aUser(s)).id, { createdAt: at(7) }));

      const expected = [s1, s2, s3, s3b]
        .sort(byCreatedThenId)
        .reverse()
        .map((x) => x.id);
      const page1 = await s.sessions.listActiveForUser(user.id, listAt, { limit: 3 });
      const page2 = await s.sessions.listActiveForUser(user.id, listAt, { limit: 3, after: page1[2] });

      expect(page1.map((x) => x.id)).toEqual(expected.slice(0, 3));
      expect(page2.map((x) => x.id)).toEqual(expected.slice(3));
      expect(page1[0]).toEqual([s3, s3b].find((x) => x.id === expected[0]));
      expect(await s.sessions.listActiveForUser(randomUUID(), listAt, { limit: 3 })).toEqual([]);
    });

    test('when counted, then the total counts all and activeAt counts live, unrevoked ones', async (s) => {
      const user = await aUser(s);
      const t0 = now();
      const totalBefore = await s.sessions.count({});
      const activeBefore = await s.sessions.count({ activeAt: t0 });
      await s.sessions.create(newSession(user.id, { createdAt: t0 }));
      await s.sessions.create(newSession(user.id, { createdAt: plus(t0, -2 * HOUR), expiresAt: t0 }));
      const revoked = await s.sessions.create(newSession(user.id, { createdAt: t0 }));
      await s.sessions.revoke(revoked.id, t0, 'logout');

      expect(await s.sessions.count({})).toBe(totalBefore + 3);
      expect(await s.sessions.count({ activeAt: t0 })).toBe(activeBefore + 1);
    });

    test('when deleteExpired runs, then sessions expired before the cut-off go with their tokens', async (s) => {
      const user = await aUser(s);
      const base = windowIn(1980, 5);
      const old = await s.sessions.create(
        newSession(user.id, { createdAt: base, expiresAt: plus(base, HOUR) }),
      );
      const kept = await s.sessions.create(
        newSession(user.id, { createdAt: base, expiresAt: plus(base, 3 * HOUR) }),
      );
      const token = newRefresh(old.id);
      await s.refreshTokens.insert(token);

      expect(await s.sessions.deleteExpired(plus(base, 2 * HOUR))).toBe(1);
      expect(await s.sessions.findById(old.id)).toBeUndefined();
      expect(await s.sessions.findById(kept.id)).toEqual(kept);
      expect(await s.refreshTokens.findByHash(token.tokenHash)).toBeUndefined();
    });

    test('when a user is deleted, then their sessions and refresh tokens go too', async (s) => {
      const user = await aUser(s);
      const bystander = await aUser(s);
      const session = await s.sessions.create(newSession(user.id));
      const token = newRefresh(session.id);
      await s.refreshTokens.insert(token);
      await s.refreshTokens.insert(newRefresh(session.id, { parentHash: token.tokenHash }));
      const theirs = await s.sessions.create(newSession(bystander.id));

      expect(await s.users.delete(user.id)).toBe(true);
      expect(await s.sessions.findById(session.id)).toBeUndefined();
      expect(await s.refreshTokens.findChild(token.tokenHash)).toBeUndefined();
      expect(await s.refreshTokens.findByHash(token.tokenHash)).toBeUndefined();
      expect(await s.sessions.findById(theirs.id)).toEqual(theirs);
    });
  });
};
