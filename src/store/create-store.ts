import { join } from 'node:path';
import type { Config } from '../platform/config/config';
import { createPostgresClient } from '../platform/sql/postgres-client';
import { createSqlStore } from './sql/sql-store';
import type { Store } from './store';

/** Required in PGlite mode only: a PostgreSQL or MongoDB instance never loads the WASM build. */
/* eslint-disable @typescript-eslint/no-require-imports */
const loadPglite = () =>
  require('../platform/sql/pglite-client') as typeof import('../platform/sql/pglite-client');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The configured storage backend; not yet migrated. */
export async function createStore(config: Config): Promise<Store> {
  switch (config.storage.kind) {
    case 'postgres':
      return createSqlStore(createPostgresClient(config.storage));
    case 'pglite':
      // PGlite gets its own folder: DATA_DIR also holds the generated development secret.
      return createSqlStore(await loadPglite().createPgliteClient(join(config.storage.dataDir, 'pglite')));
    case 'mongo': {
      // Loaded only when chosen: a SQL deployment never loads mongoose.
      const { createMongoStore } = await import('./mongo/mongo-store');
      const { url, poolSize, serverSelectionTimeoutMs, socketTimeoutMs, sessionReadPreference, autoIndex } =
        config.storage;
      return createMongoStore({
        url,
        poolSize,
        serverSelectionTimeoutMs,
        socketTimeoutMs,
        sessionReadPreference,
        autoIndex,
      });
    }
  }
}
