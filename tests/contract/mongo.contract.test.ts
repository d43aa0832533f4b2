import { randomBytes } from 'node:crypto';
import { missingIndexes, syncIndexes } from '../../src/store/mongo/mongo-indexes';
import { createModels } from '../../src/store/mongo/mongo-models';
import { describeWith } from '../helpers/services';
import { adapters, openMongoStore as openStore } from './adapters';
import { runContract } from './run-contract';

/**
 * The repository contract against a real MongoDB, whenever TEST_MONGODB_URL points at one
 * (CI's workflow sets it; docker-compose's `mongo` works too), and what only MongoDB has. The
 * server must be a replica set: the adapter uses transactions. Without one every test here is
 * reported SKIPPED, and the run's summary says why.
 */
function mongoSuites(): void {
  runContract(adapters.mongo);

  describe('MongoDB specifics', () => {
    it('when production (autoIndex off) starts on an empty database, then migrate gives every collection its indexes', async () => {
      const { store, connection, cleanup } = await openStore({ autoIndex: false });
      try {
        await store.migrate();
        expect(await missingIndexes(createModels(connection))).toEqual([]);
      } finally {
        await cleanup();
      }
    });

    it('when production starts on data without its indexes, then migrate refuses, naming npm run db:indexes', async () => {
      const { store, connection, cleanup } = await openStore({ autoIndex: false });
      try {
        await connection.collection('users').insertOne({ _id: 'u1' as never, email: 'a@example.com' });
        await expect(store.migrate()).rejects.toThrow(/npm run db:indexes.*users/);
      } finally {
        await cleanup();
      }
    });

    it('when the index sync runs twice, then the second run changes nothing and migrate then passes', async () => {
      const { store, connection, cleanup } = await openStore({ autoIndex: false });
      try {
        const models = createModels(connection);
        await syncIndexes(models);
        const again = await syncIndexes(models);
        expect(again.every((c) => c.created.length === 0 && c.dropped.length === 0)).toBe(true);
        expect(await missingIndexes(models)).toEqual([]);
        await expect(store.migrate()).resolves.toBeUndefined();
      } finally {
        await cleanup();
      }
    });

    it('when sessions are read with a secondary read preference, then lookups still find them', async () => {
      const { store, cleanup } = await openStore({ sessionReadPreference: 'secondaryPreferred' });
      try {
        await store.migrate();
        const user = await store.users.upsertOnLogin(
          `rp-${randomBytes(4).toString('hex')}@example.com`,
          new Date(),
        );
        const at = new Date();
        const session = await store.sessions.create({
          id: `s-${randomBytes(8).toString('hex')}`,
          userId: user.id,
          ip: null,
          userAgent: null,
          deviceFingerprint: null,
          createdAt: at,
          lastUsedAt: at,
          expiresAt: new Date(at.getTime() + 3_600_000),
          absoluteExpiresAt: new Date(at.getTime() + 86_400_000),
        });
        expect(await store.sessions.findById(session.id)).toEqual(session);
      } finally {
        await cleanup();
      }
    });
  });
}

describeWith('mongo', 'MongoDB', mongoSuites);
