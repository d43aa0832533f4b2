import type { RefreshTokenRecord, Session } from '../../src/modules/auth/auth.ports';
import type { Store } from '../../src/store/store';
import { SECOND, MINUTE, HOUR, DAY, tokenHash, now, plus, newSession, newRefresh } from './fixtures';
import { aUser, type ContractSuite } from './harness';

export const rotateRefreshTokenSuite: ContractSuite = ({ test, capabilities }) => {
  if (capabilities.rotatesInOneStep) {
    describe('rotateRefreshToken', () => {
      const rotate = (s: Store, input: Parameters<NonNullable<Store['rotateRefreshToken']>>[0]) => {
        if (!s.rotateRefreshToken) throw new Error('this store does not implement rotateRefreshToken');
        return s.rotateRefreshToken(input);
      };
      /** A live session with one current token, and the state a refused rotation must leave. */
      const current = async (s: Store, overrides: Partial<Session> = {}) => {
        const user = await aUser(s);
        const session = await s.sessions.create(newSession(user.id, overrides));
        const token = newRefresh(session.id);
        await s.refreshTokens.insert(token);
        return { user, session, token };
      };
      const unchanged = async (s: Store, session: Session, token: RefreshTokenRecord) => {
        expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toEqual(token);
        expect(await s.refreshTokens.findChild(token.tokenHash)).toBeUndefined();
        expect(await s.sessions.findById(session.id)).toEqual(session);
      };

      test('when the token is current and its session live, then it is rotated, its child stored and the session touched', async (s) => {
        const { user, session, token } = await current(s);
        const at = plus(session.createdAt, 5 * MINUTE);
        const successorHash = tokenHash();

        const out = await rotate(s, {
          tokenHash: token.tokenHash,
          successorHash,
          now: at,
          idleExpiresAt: plus(at, HOUR),
        });

        const touched = { ...session, lastUsedAt: at, expiresAt: plus(at, HOUR) };
        expect(out).toEqual({ session: touched, user });
        expect(await s.sessions.findById(session.id)).toEqual(touched);
        expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toEqual({
          ...token,
          rotatedAt: at,
        });
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
          tokenHash: token.tokenHash,
          successorHash: tokenHash(),
          now: at,
          idleExpiresAt: plus(session.absoluteExpiresAt, DAY),
        });
        expect(out?.session.expiresAt).toEqual(session.absoluteExpiresAt);
      });

      test('when the token was already rotated, then nothing changes and it returns undefined', async (s) => {
        const { session, token } = await current(s);
        const at = plus(session.createdAt, MINUTE);
        const input = {
          tokenHash: token.tokenHash,
          successorHash: tokenHash(),
          now: at,
          idleExpiresAt: plus(at, HOUR),
        };
        expect(await rotate(s, input)).toBeDefined();
        const after = await s.sessions.findById(session.id);

        expect(
          await rotate(s, { ...input, successorHash: tokenHash(), now: plus(at, SECOND) }),
        ).toBeUndefined();
        expect(await s.sessions.findById(session.id)).toEqual(after);
        expect((await s.refreshTokens.findChild(token.tokenHash))?.tokenHash).toBe(input.successorHash);
      });

      test('when the session is revoked, then nothing changes and it returns undefined', async (s) => {
        const { session, token } = await current(s);
        const at = plus(session.createdAt, MINUTE);
        await s.sessions.revoke(session.id, at, 'logout');
        const revoked = { ...session, revokedAt: at, revokedReason: 'logout' };
        const input = {
          tokenHash: token.tokenHash,
          successorHash: tokenHash(),
          now: at,
          idleExpiresAt: plus(at, HOUR),
        };

        expect(await rotate(s, input)).toBeUndefined();
        await unchanged(s, revoked, token);
      });

      test('when the session is idle-expired or past its absolute expiry, then nothing changes and it returns undefined', async (s) => {
        const idle = await current(s);
        const atIdle = idle.session.expiresAt;
        expect(
          await rotate(s, {
            tokenHash: idle.token.tokenHash,
            successorHash: tokenHash(),
            now: atIdle,
            idleExpiresAt: plus(atIdle, HOUR),
          }),
        ).toBeUndefined();
        await unchanged(s, idle.session, idle.token);

        const created = now();
        const old = await current(s, {
          expiresAt: plus(created, 40 * DAY),
          absoluteExpiresAt: plus(created, DAY),
        });
        const atAbsolute = plus(created, 2 * DAY);
        expect(
          await rotate(s, {
            tokenHash: old.token.tokenHash,
            successorHash: tokenHash(),
            now: atAbsolute,
            idleExpiresAt: plus(atAbsolute, HOUR),
          }),
        ).toBeUndefined();
        await unchanged(s, old.session, old.token);
      });

      test('when the hash is unknown, then it returns undefined', async (s) => {
        const at = now();
        expect(
          await rotate(s, {
            tokenHash: tokenHash(),
            successorHash: tokenHash(),
            now: at,
            idleExpiresAt: plus(at, HOUR),
          }),
        ).toBeUndefined();
      });

      test('when one token is rotated twice at once, then exactly one rotation wins and one child exists', async (s) => {
        const { session, token } = await current(s);
        const at = plus(session.createdAt, MINUTE);
        const attempts = [tokenHash(), tokenHash(), tokenHash()].map((successorHash) =>
          rotate(s, { tokenHash: token.tokenHash, successorHash, now: at, idleExpiresAt: plus(at, HOUR) }),
        );
        const results = await Promise.all(attempts);
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
        const child = await s.refreshTokens.findChild(token.tokenHash);
        expect(child?.parentHash).toBe(token.tokenHash);
      });
    });
  }
};
