import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { MongoStoreOptions } from '../../src/store/mongo/mongo-store';
import type { Store } from '../../src/store/store';
import { createTempDatabase } from '../helpers/databases';
import type { Service } from '../helpers/services';
import type { Capabilities } from './harness';

/**
 * The one registry of storage adapters the contract runs against. Drivers are imported when a
 * store is opened, so a test file loads only its own adapter's (mongoose stays out of the SQL
 * files).
 */
export interface OpenedStore {
  store: Store;
  cleanup: () => Promise<void>;
}

export interface StoreAdapter {
  label: string;
  capabilities: Capabilities;
  /** The server it needs: without it the contract is reported SKIPPED (see describeWith). */
  needs?: Service;
  open(): Promise<OpenedStore>;
  /** Hooks the adapter needs around the whole contract (registered before the store opens). */
  hooks?(): void;
}

const SQL_CAPABILITIES: Capabilities = { mongoOnlySteps: false };

const pglite: StoreAdapter = {
  label: 'PGlite (in memory)',
  capabilities: SQL_CAPABILITIES,
  async open() {
    const { createTestPglite } = await import('../helpers/pglite');
    const { createSqlStore } = await import('../../src/store/sql/sql-store');
    // From initdb's output: the contract applies every migration to an empty database.
    const store = createSqlStore(await createTestPglite('initdb'));
    return { store, cleanup: () => store.close() };
  },
};

const postgres: StoreAdapter = {
  label: 'PostgreSQL server',
  capabilities: SQL_CAPABILITIES,
  needs: 'postgres',
  async open() {
    const { createPostgresClient } = await import('../../src/platform/sql/postgres-client');
    const { createSqlStore } = await import('../../src/store/sql/sql-store');
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
};

/** TEST_MONGODB_URL: a MongoDB replica set (the adapter uses transactions). */
export const mongoUrl = () => process.env.TEST_MONGODB_URL?.trim() ?? '';

function mongoOptions(dbName: string, overrides: Partial<MongoStoreOptions> = {}): MongoStoreOptions {
  return {
    url: mongoUrl(),
    poolSize: 10,
    serverSelectionTimeoutMs: 5_000,
    socketTimeoutMs: 30_000,
    sessionReadPreference: 'primary',
    autoIndex: true,
    dbName,
    ...overrides,
  };
}

/** A MongoDB store on a database of its own, dropped by cleanup. */
export async function openMongoStore(
  overrides: Partial<MongoStoreOptions> = {},
): Promise<OpenedStore & { connection: Connection }> {
  const { assertTransactionsSupported, connectMongo, createMongoStoreOn } =
    await import('../../src/store/mongo/mongo-store');
  const connection = await connectMongo(
    mongoOptions(`otp_contract_${randomBytes(6).toString('hex')}`, overrides),
  );
  await assertTransactionsSupported(connection);
  const store = createMongoStoreOn(connection, mongoOptions(connection.name, overrides));
  return {
    store,
    connection,
    cleanup: async () => {
      await connection.dropDatabase();
      await store.close();
    },
  };
}

/**
 * Some contract tests write rows that expired decades ago on purpose (private time windows) and
 * then expect the sweep methods to find them. MongoDB's TTL monitor, which wakes every 60 s,
 * could delete them first, so the suites pause it on the test server and restore it after
 * (best effort: a server that refuses setParameter keeps a small chance of a flaky sweep test).
 */
function pauseTtlMonitor(): void {
  let admin: Connection | undefined;
  let previous: boolean | undefined;
  beforeAll(async () => {
    const { connectMongo } = await import('../../src/store/mongo/mongo-store');
    admin = await connectMongo(mongoOptions('admin'));
    try {
      const got = (await admin.db?.admin().command({ getParameter: 1, ttlMonitorEnabled: 1 })) as
        { ttlMonitorEnabled?: boolean } | undefined;
      await admin.db?.admin().command({ setParameter: 1, ttlMonitorEnabled: false });
      previous = got?.ttlMonitorEnabled ?? true;
    } catch (err) {
      console.warn(`could not pause the MongoDB TTL monitor: ${String(err)}`);
    }
  });
  afterAll(async () => {
    if (previous !== undefined) {
      await admin?.db
        ?.admin()
        .command({ setParameter: 1, ttlMonitorEnabled: previous })
        .catch(() => undefined);
    }
    await admin?.close();
  });
}

/** MongoDB runs every login rule as a transaction over steps no port has. */
const mongo: StoreAdapter = {
  label: 'MongoDB',
  capabilities: { mongoOnlySteps: true },
  needs: 'mongo',
  open: () => openMongoStore(),
  hooks: pauseTtlMonitor,
};

export const adapters = { pglite, postgres, mongo } satisfies Record<string, StoreAdapter>;
export type AdapterName = keyof typeof adapters;
