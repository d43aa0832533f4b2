import { createPgliteClient } from '../../src/platform/sql/pglite-client';
import { createPostgresClient } from '../../src/platform/sql/postgres-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { createTempDatabase, postgresAvailable } from '../helpers/databases';
import { runMailRepositoryContract } from './mail-repository-contract';

runMailRepositoryContract('PGlite (in memory)', async () => {
  const store = createSqlStore(await createPgliteClient());
  return { store, cleanup: () => store.close() };
});

runMailRepositoryContract(
  'PostgreSQL server',
  async () => {
    const db = await createTempDatabase();
    const store = createSqlStore(
      createPostgresClient({ url: db.url, poolMax: 10, statementTimeoutMs: 5_000 }),
    );
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.drop();
      },
    };
  },
  { available: postgresAvailable },
);
