import type { RefreshTokenRecord, RotationInput, Session } from '../../src/modules/auth/auth.ports';
import type { Store } from '../../src/store/store';
import { DAY, HOUR, MINUTE, SECOND, newRefresh, newSession, now, plus, tokenHash } from './fixtures';
import { aUser, type ContractSuite } from './harness';

/**
 * `AuthStore.rotateRefreshToken`, the whole refresh rule. PostgreSQL and PGlite: one call of
 * refresh_token_rotate (src/modules/auth/repositories/sql/login-rules.ts); MongoDB: a
 * transaction (src/modules/auth/repositories/mongo/login-rules.ts). Includes the cases that
 * tests/component/refresh.test.ts ran on PGlite without the one-step function (grace window,
 * reuse, racing refreshes), now at the store, so they run against MongoDB too.
 */
export const rotateRefreshTokenSuite: ContractSuite = ({ test }) => {
  describe('refresh rotation', () => {
    const GRACE = 10;
    const rotate = (s: Store, input: Omit<RotationInput, 'graceSeconds'>) =>
      s.rotateRefreshToken({ ...input, graceSeconds: GRACE });
    /** A live session with one current token, and the state a refused rotation must leave. */
    const current = async (s: Store, overrides: Partial<Session> = {}) => {
      const user = await aUser(s);
      const session = await s.sessions.create(newSession(user.id, overrides));
      const token = newRefresh(session.id);
      await s.refreshTokens.insert(token);
      return { user, session, token };
    };
    const unchanged = async (s: Store, session: Session, token: RefreshTokenRecord) => {
      expect(await s.refreshTokens.findByHash(token.tokenHash)).toEqual(token);
      expect(await s.refreshTokens.findChild(token.tokenHash)).toBeUndefined();
      expect(await s.sessions.findById(session.id)).toEqual(session);
    };
    const input = (token: RefreshTokenRecord, at: Date, successorHash = tokenHash()) => ({
      tokenHash: token.tokenHash,
      successorHash,
      now: at,
      idleExpiresAt: plus(at, HOUR),
    });

    test('when the token is current and its session live, then it is rotated, its child stored and the session touched', async (s) => {
      const { user, session, token } = await current(s);
      const at = plus(session.createdAt, 5 * MINUTE);
      const successorHash = tokenHash();

      const out = await rotate(s, input(token, at, successorHash));

      const touched = { ...session, lastUsedAt: at, expiresAt: plus(at, HOUR) };
      expect(out).toEqual({ kind: 'ok', session: touched, user });
      expect(await s.sessions.findById(session.id)).toEqual(touched);
      expect(await s.refreshTokens.findByHash(token.tokenHash)).toEqual({ ...token, rotatedAt: at });
      expect(await s.refreshTokens.findChild(token.tokenHash)).toEqual({
        tokenHash: successorHash,
        sessionId: session.id,
        parentHash: token.tokenHash,
        createdAt: at,
        rotatedAt: null,
      });
    });

    test('when the idle expiry passes the absolute one, then the absolute expiry caps it', async (s) => {
      const { session, token } = await current(s);
      const at = plus(session.createdAt, MINUTE);
      const out = await rotate(s, {
        ...input(token, at),
        idleExpiresAt: plus(session.absoluteExpiresAt, DAY),
      });
      expect(out.kind === 'ok' && out.session.expiresAt).toEqual(session.absoluteExpiresAt);
    });

    test('when a rotated token comes back within the grace window, then the session is touched and no second child is made', async (s) => {
      const { user, session, token } = await current(s);
      const at = plus(session.createdAt, MINUTE);
      const first = input(token, at);
      expect((await rotate(s, first)).kind).toBe('ok');

      const again = plus(at, GRACE * SECOND);
      const out = await rotate(s, { ...first, now: again, idleExpiresAt: plus(again, HOUR) });

      expect(out).toEqual({
        kind: 'ok',
        user,
        session: { ...session, lastUsedAt: again, expiresAt: plus(again, HOUR) },
      });
      expect((await s.refreshTokens.findChild(token.tokenHash))?.tokenHash).toBe(first.successorHash);
      expect((await s.sessions.findById(session.id))?.revokedAt).toBeNull();
    });

    test('when a rotated token comes back after the grace window, then it is reuse: the session is revoked and nothing else changes', async (s) => {
      const { session, token } = await current(s);
      const at = plus(session.createdAt, MINUTE);
      const first = input(token, at);
      await rotate(s, first);
      const after = await s.sessions.findById(session.id);
      const late = plus(at, (GRACE + 1) * SECOND);

      const out = await rotate(s, { ...first, successorHash: tokenHash(), now: late });

      expect(out).toEqual({ kind: 'reused', sessionId: session.id, userId: session.userId });
      expect(await s.sessions.findById(session.id)).toEqual({
        ...after,
        revokedAt: late,
        revokedReason: 'refresh_token_reused',
      });
      expect((await s.refreshTokens.findChild(token.tokenHash))?.tokenHash).toBe(first.successorHash);
    });

    test('when a token whose child was rotated too comes back within the grace window, then it is reuse', async (s) => {
      const { session, token } = await current(s);
      const at = plus(session.createdAt, MINUTE);
      const first = input(token, at);
      await rotate(s, first);
      const child = (await s.refreshTokens.findChild(token.tokenHash)) as RefreshTokenRecord;
      expect((await rotate(s, input(child, plus(at, SECOND)))).kind).toBe('ok');

      const out = await rotate(s, { ...first, now: plus(at, 2 * SECOND) });

      expect(out).toEqual({ kind: 'reused', sessionId: session.id, userId: session.userId });
      expect((await s.sessions.findById(session.id))?.revokedReason).toBe('refresh_token_reused');
    });

    test('when the session is revoked, then it is invalid and nothing changes', async (s) => {
      const { session, token } = await current(s);
      const at = plus(session.createdAt, MINUTE);
      await s.sessions.revoke(session.id, at, 'logout');
      const revoked = { ...session, revokedAt: at, revokedReason: 'logout' };

      expect(await rotate(s, input(token, at))).toEqual({ kind: 'invalid' });
      await unchanged(s, revoked, token);
    });

    test('when the session is idle-expired or past its absolute expiry, then it is expired and nothing changes', async (s) => {
      const idle = await current(s);
      expect(await rotate(s, input(idle.token, idle.session.expiresAt))).toEqual({ kind: 'expired' });
      await unchanged(s, idle.session, idle.token);

      const created = now();
      const old = await current(s, {
        expiresAt: plus(created, 40 * DAY),
        absoluteExpiresAt: plus(created, DAY),
      });
      expect(await rotate(s, input(old.token, plus(created, 2 * DAY)))).toEqual({ kind: 'expired' });
      await unchanged(s, old.session, old.token);
    });

    test('when the hash is unknown, then it is invalid', async (s) => {
      const at = now();
      expect(
        await rotate(s, { tokenHash: tokenHash(), successorHash: tokenHash(), now: at, idleExpiresAt: at }),
      ).toEqual({ kind: 'invalid' });
    });

    test('when one token is rotated three times at once, then exactly one rotation makes the one child and the others take the grace path', async (s) => {
      const { session, token } = await current(s);
      const at = plus(session.createdAt, MINUTE);
      const successors = [tokenHash(), tokenHash(), tokenHash()];
      const results = await Promise.all(successors.map((h) => rotate(s, input(token, at, h))));
      expect(results.map((r) => r.kind)).toEqual(['ok', 'ok', 'ok']);
      const child = await s.refreshTokens.findChild(token.tokenHash);
      expect(child?.parentHash).toBe(token.tokenHash);
      expect(successors).toContain(child?.tokenHash);
      expect((await s.sessions.findById(session.id))?.revokedAt).toBeNull();
    });
  });
};
