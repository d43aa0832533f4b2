/* Applies pending SQL migrations to the configured database (POSTGRESQL_URL / DATABASE_URL, or PGlite in DATA_DIR). */
import 'dotenv/config';
import { join } from 'node:path';
import { loadConfig } from '../src/platform/config/config';
import { describeStorage } from '../src/platform/config/describe-storage';
import { createPgliteClient } from '../src/platform/sql/pglite-client';
import { createPostgresClient } from '../src/platform/sql/postgres-client';
import { migrateSql } from '../src/store/sql/sql-store';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  console.log(`database: ${describeStorage(config.storage)}`);
  if (config.storage.kind === 'mongo') {
    console.log('MongoDB has no SQL migrations; run `npm run db:indexes` to sync indexes.');
    return;
  }
  const client =
    config.storage.kind === 'postgres'
      ? createPostgresClient(config.storage)
      : await createPgliteClient(join(config.storage.dataDir, 'pglite'));
  try {
    const applied = await migrateSql(client);
    console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
