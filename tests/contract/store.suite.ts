import { aUser, type ContractSuite } from './harness';

export const storeSuite: ContractSuite = ({ test }) => {
  describe('store', () => {
    test('when asked its kind, then it names a known backend', async (s) => {
      expect(['pglite', 'postgres', 'mongo']).toContain(s.kind);
    });

    test('when pinged, then it resolves', async (s) => {
      await expect(s.ping()).resolves.toBeUndefined();
    });

    test('when migrate runs again (twice), then it succeeds and keeps the data', async (s) => {
      const user = await aUser(s);
      await s.migrate();
      await s.migrate();
      expect(await s.users.findById(user.id)).toEqual(user);
    });
  });
};
