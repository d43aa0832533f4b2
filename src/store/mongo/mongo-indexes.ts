import type { MongoModels } from './mongo-models';

const NAMESPACE_EXISTS = 48;

async function createCollection(model: MongoModels[keyof MongoModels]): Promise<void> {
  try {
    await model.createCollection();
  } catch (err) {
    if ((err as { code?: unknown }).code !== NAMESPACE_EXISTS) throw err;
  }
}

/**
 * Creates every collection and every declared index that is missing; never drops anything.
 * Collections are created up front because a transaction should not be the first writer of a
 * collection. Idempotent: an index that exists with the same options is left alone.
 */
export async function ensureIndexes(models: MongoModels): Promise<void> {
  for (const model of Object.values(models)) {
    await createCollection(model);
    await model.createIndexes();
  }
}

/** The declared indexes the database lacks (or has with other options), as readable lines. */
export async function missingIndexes(models: MongoModels): Promise<string[]> {
  const missing: string[] = [];
  for (const model of Object.values(models)) {
    const { toCreate } = await model.diffIndexes();
    for (const keys of toCreate) missing.push(`${model.collection.collectionName} ${JSON.stringify(keys)}`);
  }
  return missing;
}

/**
 * Production start: builds nothing on a collection that holds data (that is the deploy step's
 * job, `npm run db:indexes`), but gives an empty or absent collection its indexes, which is
 * instant. So a fresh database (docker-compose's first `up`) starts with every unique and TTL
 * index, and an existing one reports what the deploy step has not yet created.
 */
export async function bootstrapIndexes(models: MongoModels): Promise<string[]> {
  const missing: string[] = [];
  for (const model of Object.values(models)) {
    const { toCreate } = await model.diffIndexes();
    if (toCreate.length === 0) continue;
    if ((await model.estimatedDocumentCount()) === 0) {
      await createCollection(model);
      await model.createIndexes();
      continue;
    }
    for (const keys of toCreate) missing.push(`${model.collection.collectionName} ${JSON.stringify(keys)}`);
  }
  return missing;
}

/**
 * Makes the database's indexes exactly the declared ones (mongoose `syncIndexes`): creates the
 * missing, drops and recreates any whose options changed (a TTL's seconds, say) and drops
 * indexes no schema declares. Safe to run twice: the second run finds nothing to do.
 */
export async function syncIndexes(
  models: MongoModels,
): Promise<Array<{ collection: string; dropped: string[]; created: string[] }>> {
  const report: Array<{ collection: string; dropped: string[]; created: string[] }> = [];
  for (const model of Object.values(models)) {
    await createCollection(model);
    const { toCreate } = await model.diffIndexes();
    const dropped = await model.syncIndexes();
    report.push({
      collection: model.collection.collectionName,
      dropped,
      created: toCreate.map((keys) => JSON.stringify(keys)),
    });
  }
  return report;
}
