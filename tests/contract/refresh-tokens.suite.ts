import { ConflictError } from '../../src/platform/errors/app-error';
import { SECOND, tokenHash, plus, newRefresh } from './fixtures';
import { aSession, type ContractSuite } from './harness';

export const refreshTokensSuite: ContractSuite = ({ test }) => {
  describe('refreshTokens', () => {
    test('when inserted, then lockByHash finds it by hash; an unknown hash is undefined', async (s) => {
      const session = await aSession(s);
      const token = newRefresh(session.id);
      await s.refreshTokens.insert(token);
      const [found, missing] = await s.transaction(async (tx) => [
        await tx.refreshTokens.lockByHash(token.tokenHash),
        await tx.refreshTokens.lockByHash(tokenHash()),
      ]);
      expect(found).toEqual(token);
      expect(missing).toBeUndefined();
    });

    test('when a child is inserted, then findChild finds it from its parent', async (s) => {
      const session = await aSession(s);
      const parent = newRefresh(session.id);
      const child = newRefresh(session.id, { parentHash: parent.tokenHash });
      await s.refreshTokens.insert(parent);
      await s.refreshTokens.insert(child);
      expect(await s.refreshTokens.findChild(parent.tokenHash)).toEqual(child);
      expect(await s.refreshTokens.findChild(child.tokenHash)).toBeUndefined();
    });

    test('when markRotated runs, then rotatedAt is stamped', async (s) => {
      const session = await aSession(s);
      const token = newRefresh(session.id);
      await s.refreshTokens.insert(token);
      const at = plus(token.createdAt, SECOND);
      await s.refreshTokens.markRotated(token.tokenHash, at);
      expect(await s.transaction((tx) => tx.refreshTokens.lockByHash(token.tokenHash))).toEqual({
        ...token,
        rotatedAt: at,
      });
    });

    test('when a second child of one parent is inserted, then it is rejected with ConflictError', async (s) => {
      const session = await aSession(s);
      const parent = newRefresh(session.id);
      const child = newRefresh(session.id, { parentHash: parent.tokenHash });
      await s.refreshTokens.insert(parent);
      await s.refreshTokens.insert(child);

      await expect(
        s.refreshTokens.insert(newRefresh(session.id, { parentHash: parent.tokenHash })),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await s.refreshTokens.findChild(parent.tokenHash)).toEqual(child);
    });

    test('when a token hash is inserted twice, then the second is rejected with ConflictError', async (s) => {
      const session = await aSession(s);
      const token = newRefresh(session.id);
      await s.refreshTokens.insert(token);
      await expect(
        s.refreshTokens.insert({ ...token, createdAt: plus(token.createdAt, 1) }),
      ).rejects.toBeInstanceOf(ConflictError);
    });
  });
};
