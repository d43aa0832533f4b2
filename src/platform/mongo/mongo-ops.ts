import mongoose, { type ClientSession, type Model } from 'mongoose';
import { isDuplicateKeyError, isTransientTransactionError, mapMongoError } from './mongo-errors';

/** A collection's name: the store's model map decides which exist (an unknown one throws). */
export type CollectionKey = string;
export type MongoModels = Record<CollectionKey, Model<Record<string, unknown>>>;

export type Filter = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;
export interface Update {
  $set?: Record<string, unknown>;
  $setOnInsert?: Record<string, unknown>;
  $inc?: Record<string, number>;
}

export interface FindOptions {
  sort?: Sort;
  limit?: number;
  projection?: Record<string, 0 | 1>;
  hint?: Sort;
  /** May be served by the configured session read preference (never inside a transaction). */
  secondaryOk?: boolean;
}

export interface UpdateResult {
  matched: number;
  modified: number;
  upserted: boolean;
}

/**
 * The few collection operations the repositories use, bound to one connection and, inside a
 * transaction, to its session. Repositories build filters and updates and hand them here, so
 * the same repositories run against MongoDB and, in tests/integration/mongo, against a recorder that
 * checks every filter against the declared indexes.
 */
export interface MongoOps {
  readonly inTransaction: boolean;
  findOne<T>(collection: CollectionKey, filter: Filter, options?: FindOptions): Promise<T | undefined>;
  find<T>(collection: CollectionKey, filter: Filter, options?: FindOptions): Promise<T[]>;
  count(collection: CollectionKey, filter: Filter, options?: { hint?: Sort }): Promise<number>;
  insertOne(collection: CollectionKey, doc: Record<string, unknown>): Promise<void>;
  updateOne(
    collection: CollectionKey,
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean },
  ): Promise<UpdateResult>;
  updateMany(collection: CollectionKey, filter: Filter, update: Update): Promise<UpdateResult>;
  /** Returns the document after the update (or the upserted one), and whether it was inserted. */
  findOneAndUpdate<T>(
    collection: CollectionKey,
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean },
  ): Promise<{ doc: T | undefined; upserted: boolean }>;
  deleteOne(collection: CollectionKey, filter: Filter): Promise<number>;
  deleteMany(collection: CollectionKey, filter: Filter): Promise<number>;
  /** Runs `work` in the current transaction, or in a new one when there is none. */
  atomically<T>(work: (ops: MongoOps) => Promise<T>): Promise<T>;
}

/** Marks an operator object as ours, so sanitizeFilter leaves it as an operator. */
export const op = <T extends object>(operator: T): T => mongoose.trusted(operator) as T;

/** The equality fields of a filter: what an upsert copies into the document it inserts. */
function equalityFields(filter: Filter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    const isOperator = value !== null && typeof value === 'object' && !(value instanceof Date);
    if (!key.startsWith('$') && !isOperator) out[key] = value;
  }
  return out;
}

export interface MongoOpsContext {
  models: MongoModels;
  session?: ClientSession;
  sessionReadPreference: mongoose.mongo.ReadPreferenceMode;
  runInTransaction: <T>(work: (ops: MongoOps) => Promise<T>) => Promise<T>;
}

export function createMongoOps(context: MongoOpsContext): MongoOps {
  const { models, session } = context;
  const inTransaction = session !== undefined;
  const sessionOption = session ? { session } : {};

  /**
   * Inside a transaction a transient error goes to the driver as it is (withTransaction reruns
   * the unit of work); everything else becomes a domain error here.
   */
  async function run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (inTransaction && isTransientTransactionError(err)) throw err;
      throw mapMongoError(err);
    }
  }

  /**
   * An upsert whose filter is the unique key can still lose a race for the insert (E11000).
   * Outside a transaction the retry matches the winner's document; inside one the server has
   * aborted the transaction, so the error is labelled transient and the whole unit reruns.
   */
  async function upsertSafely<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await run(fn);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (!isDuplicateKeyError(cause)) throw err;
      if (inTransaction && cause instanceof mongoose.mongo.MongoError) {
        cause.addErrorLabel('TransientTransactionError');
        throw cause;
      }
      return run(fn);
    }
  }

  /** Upserts skip document validation; validating the would-be insert keeps enums and required fields honest. */
  function validateInsert(collection: CollectionKey, filter: Filter, update: Update): void {
    const Model = models[collection];
    const error = new Model({
      ...equalityFields(filter),
      ...update.$setOnInsert,
      ...update.$set,
    }).validateSync();
    if (error) throw error;
  }

  const ops: MongoOps = {
    inTransaction,
    findOne: (collection, filter, options = {}) =>
      run(async () => {
        const query = models[collection].findOne(filter, options.projection, sessionOption).lean();
        if (options.sort) query.sort(options.sort);
        if (options.secondaryOk && !inTransaction) query.read(context.sessionReadPreference);
        return ((await query) ?? undefined) as never;
      }),
    find: (collection, filter, options = {}) =>
      run(async () => {
        const query = models[collection].find(filter, options.projection, sessionOption).lean();
        if (options.sort) query.sort(options.sort);
        if (options.limit !== undefined) query.limit(options.limit);
        if (options.hint) query.hint(options.hint);
        return (await query) as never;
      }),
    count: (collection, filter, options = {}) =>
      run(async () => {
        const query = models[collection].countDocuments(filter, sessionOption);
        if (options.hint) query.hint(options.hint);
        return query;
      }),
    insertOne: (collection, doc) =>
      run(async () => {
        const Model = models[collection];
        await new Model(doc).save(sessionOption);
      }),
    updateOne: async (collection, filter, update, options = {}) => {
      if (options.upsert) validateInsert(collection, filter, update);
      return upsertSafely(async () => {
        const result = await models[collection].updateOne(filter, update, {
          ...sessionOption,
          upsert: options.upsert ?? false,
          runValidators: true,
        });
        return {
          matched: result.matchedCount,
          modified: result.modifiedCount,
          upserted: result.upsertedCount > 0,
        };
      });
    },
    updateMany: (collection, filter, update) =>
      run(async () => {
        const result = await models[collection].updateMany(filter, update, {
          ...sessionOption,
          runValidators: true,
        });
        return { matched: result.matchedCount, modified: result.modifiedCount, upserted: false };
      }),
    findOneAndUpdate: async (collection, filter, update, options = {}) => {
      if (options.upsert) validateInsert(collection, filter, update);
      return upsertSafely(async () => {
        const raw = await models[collection]
          .findOneAndUpdate(filter, update, {
            ...sessionOption,
            upsert: options.upsert ?? false,
            returnDocument: 'after',
            includeResultMetadata: true,
            runValidators: true,
          })
          .lean();
        const result = raw as unknown as { value: unknown; lastErrorObject?: { updatedExisting?: boolean } };
        return {
          doc: (result.value ?? undefined) as never,
          upserted: Boolean(options.upsert) && result.lastErrorObject?.updatedExisting === false,
        };
      });
    },
    deleteOne: (collection, filter) =>
      run(async () => (await models[collection].deleteOne(filter, sessionOption)).deletedCount),
    deleteMany: (collection, filter) =>
      run(async () => (await models[collection].deleteMany(filter, sessionOption)).deletedCount),
    atomically: (work) => (inTransaction ? work(ops) : context.runInTransaction(work)),
  };
  return ops;
}
