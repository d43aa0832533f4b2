import { ConflictError } from '../../src/platform/errors/app-error';
import { tokenHash, plus, newRefresh } from './fixtures';
import { aSession, type ContractSuite } from './harness';

export const refreshTokensSuite: ContractSuite = ({ test }) => {
  describe('refreshTokens', () => {
    test('when inserted, then findByHash finds it by hash; an unknown hash is undefined', async (s) => {
      const session = await aSession(s);
      const token = newRefresh(session.id);
      await s.refreshTokens.insert(token);
      expect(await s.refreshTokens.findByHash(token.tokenHash)).toEqual(token);
      expect(await s.refreshTokens.findByHash(tokenHash())).toBeUndefined();
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

    test("when a chain is replaced, then only the new token is left of the session's; other sessions keep theirs", async (s) => {
      const [session, other] = [await aSession(s), await aSession(s)];
      const parent = newRefresh(session.id);
      const child = newRefresh(session.id, { parentHash: parent.tokenHash });
      const theirs = newRefresh(other.id);
      for (const t of [parent, child, theirs]) await s.refreshTokens.insert(t);
      const fresh = newRefresh(session.id);
      await s.refreshTokens.replaceChain(fresh);
      expect(await s.refreshTokens.findByHash(fresh.tokenHash)).toEqual(fresh);
      expect(await s.refreshTokens.findByHash(parent.tokenHash)).toBeUndefined();
      expect(await s.refreshTokens.findByHash(child.tokenHash)).toBeUndefined();
      expect(await s.refreshTokens.findByHash(theirs.tokenHash)).toEqual(theirs);
    });
  });
};
