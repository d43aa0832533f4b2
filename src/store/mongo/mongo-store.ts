import mongoose, { type ClientSession, type Connection } from 'mongoose';
import { UnavailableError } from '../../platform/errors/app-error';
import type { Store } from '../store';
import { mapMongoError } from '../../platform/mongo/mongo-errors';
import { bootstrapIndexes, ensureIndexes } from './mongo-indexes';
import { createModels, type MongoModels } from './mongo-models';
import { createMongoOps, type MongoOps } from '../../platform/mongo/mongo-ops';
import { createMongoRepositories } from './mongo-repositories';
import { watchMongoPool } from '../../platform/mongo/mongo-pool-stats';
import { createMongoLoginRules } from '../../modules/auth/repositories/mongo/login-rules';

export type ReadPreferenceMode = mongoose.mongo.ReadPreferenceMode;

export interface MongoStoreOptions {
  url: string;
  poolSize: number;
  serverSelectionTimeoutMs: number;
  socketTimeoutMs: number;
  /** Where `sessions.findById` reads; locked reads and transactions always use the primary. */
  sessionReadPreference: ReadPreferenceMode;
  /**
   * True (development, tests): `migrate()` creates every missing index. False (production):
   * only empty collections get theirs; otherwise `npm run db:indexes` must have run.
   */
  autoIndex: boolean;
  /** Overrides the database named in the URL (tests use one database per run). */
  dbName?: string;
}

/**
 * Snapshot reads and majority commits: what one transaction reads is one consistent,
 * majority-committed view, and a write conflict with a concurrent one aborts and reruns it.
 */
const TRANSACTION_OPTIONS = {
  readConcern: { level: 'snapshot' as const },
  writeConcern: { w: 'majority' as const },
  readPreference: 'primary' as const,
};

/** Opens a mongoose connection with the pool and timeouts from config; fails with UnavailableError. */
export async function connectMongo(options: MongoStoreOptions): Promise<Connection> {
  const connection = mongoose.createConnection(options.url, {
    maxPoolSize: options.poolSize,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs,
    socketTimeoutMS: options.socketTimeoutMs,
    retryWrites: true,
    // Majority-acknowledged writes: a login survives a failover, and a transaction's snapshot
    // (majority-committed data) always sees a write that was acknowledged before it began.
    writeConcern: { w: 'majority' },
    appName: 'otp-login-api',
    // Never build indexes in the background at model compile: migrate() or the deploy script
    // does it, awaited, so nothing races the first request.
    autoIndex: false,
    autoCreate: false,
    // Fail an operation at once while disconnected instead of queueing it for 10 s.
    bufferCommands: false,
    ...(options.dbName ? { dbName: options.dbName } : {}),
  });
  // The client exists now and has not connected yet: its pool is watched from the first connection.
  watchMongoPool(connection.getClient(), options.poolSize);
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close(true).catch(() => undefined);
    throw mapMongoError(err);
  }
  return connection;
}

/**
 * Transactions need a replica set (or a sharded cluster): a standalone mongod refuses them.
 * Say so at start, naming the fix, instead of failing the first sign-in.
 */
export async function assertTransactionsSupported(connection: Connection): Promise<void> {
  const hello = (await connection.db?.admin().command({ hello: 1 })) as
    { setName?: string; msg?: string } | undefined;
  if (!hello?.setName && hello?.msg !== 'isdbgrid') {
    throw new Error(
      'MongoDB is a standalone server: this service needs a replica set (a single-node one is fine: ' +
        'mongod --replSet rs0, then rs.initiate()) because it uses transactions; see docs/mongodb.md',
    );
  }
}

/** The MongoDB storage backend over an open connection. */
export function createMongoStoreOn(connection: Connection, options: MongoStoreOptions): Store {
  const models: MongoModels = createModels(connection);
  const poolStats = watchMongoPool(connection.getClient(), options.poolSize);

  const opsFor = (session?: ClientSession): MongoOps =>
    createMongoOps({
      models,
      session,
      sessionReadPreference: options.sessionReadPreference,
      runInTransaction,
    });

  async function runInTransaction<T>(work: (ops: MongoOps) => Promise<T>): Promise<T> {
    let session: ClientSession;
    try {
      session = await connection.startSession();
    } catch (err) {
      throw mapMongoError(err);
    }
    try {
      // withTransaction reruns `work` on a transient error (write conflict, failover), so the
      // work must only touch the database: every service's unit of work is written that way.
      return await session.withTransaction(() => work(opsFor(session)), TRANSACTION_OPTIONS);
    } catch (err) {
      throw mapMongoError(err);
    } finally {
      await session.endSession().catch(() => undefined);
    }
  }

  return {
    kind: 'mongo',
    ...createMongoRepositories(opsFor()),
    ...createMongoLoginRules(opsFor()),
    transaction: (work) => runInTransaction((ops) => work(createMongoRepositories(ops))),
    async migrate() {
      try {
        if (options.autoIndex) {
          await ensureIndexes(models);
          return;
        }
        // Production builds no index on data at start (that is a deploy step), only on empty
        // collections, and refuses to run without them: a missing unique index would let
        // duplicate users or forked refresh chains in, a missing TTL index lets data pile up.
        const missing = await bootstrapIndexes(models);
        if (missing.length > 0) {
          throw new Error(`MongoDB indexes are missing; run \`npm run db:indexes\`: ${missing.join('; ')}`);
        }
      } catch (err) {
        throw mapMongoError(err);
      }
    },
    async ping() {
      if (connection.readyState !== mongoose.ConnectionStates.connected) {
        throw new UnavailableError(
          `MongoDB connection is ${mongoose.ConnectionStates[connection.readyState]}`,
        );
      }
      try {
        await connection.db?.command({ ping: 1 });
      } catch (err) {
        throw mapMongoError(err);
      }
    },
    close: () => connection.close(),
    poolStats,
  };
}

/** Connects, checks that transactions are available, and returns the store. */
export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const connection = await connectMongo(options);
  try {
    await assertTransactionsSupported(connection);
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw mapMongoError(err);
  }
  return createMongoStoreOn(connection, options);
}
