/*
 * Deploy step for MongoDB (`npm run db:indexes`): creates every collection and makes each one's
 * indexes exactly those declared in src/store/mongo/mongo-models.ts (mongoose
 * syncIndexes: missing ones are built, ones whose options changed are rebuilt, undeclared ones
 * are dropped). Safe to run twice: the second run changes nothing. Production never builds
 * indexes at start and refuses to start while one is missing.
 */
import 'dotenv/config';
import { loadConfig } from '../src/platform/config/config';
import { describeStorage } from '../src/platform/config/describe-storage';
import { syncIndexes } from '../src/store/mongo/mongo-indexes';
import { createModels } from '../src/store/mongo/mongo-models';
import { connectMongo } from '../src/store/mongo/mongo-store';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  console.log(`database: ${describeStorage(config.storage)}`);
  if (config.storage.kind !== 'mongo') {
    console.error('DATABASE_URL is not a mongodb:// or mongodb+srv:// URL; nothing to do.');
    process.exit(1);
  }
  const connection = await connectMongo(config.storage);
  try {
    const report = await syncIndexes(createModels(connection));
    for (const { collection, created, dropped } of report) {
      const changes = [
        ...created.map((keys) => `created ${keys}`),
        ...dropped.map((name) => `dropped ${name}`),
      ];
      console.log(`${collection}: ${changes.length ? changes.join(', ') : 'up to date'}`);
    }
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  console.error('index sync failed:', err instanceof Error ? err.message + cause : err);
  process.exit(1);
});
