import mongoose, { type Connection } from 'mongoose';
import { UnavailableError } from '../../../src/platform/errors/app-error';
import {
  assertTransactionsSupported,
  connectMongo,
  createMongoStore,
  createMongoStoreOn,
  type MongoStoreOptions,
} from '../../../src/store/mongo/mongo-store';
import { repositoryCalls } from './repository-calls';

/**
 * What the MongoDB store does without a server: it fails as "unavailable" (503, readiness
 * red), never as a 500 or a hang. Nothing listens on 127.0.0.1:1, so every connection attempt
 * here is refused at once. The behaviour with a server is the contract suite's.
 */
const nowhere: MongoStoreOptions = {
  url: 'mongodb://127.0.0.1:1/otp',
  poolSize: 2,
  serverSelectionTimeoutMs: 150,
  socketTimeoutMs: 1_000,
  sessionReadPreference: 'primary',
  autoIndex: true,
};

describe('connecting to MongoDB', () => {
  it('when no server answers, then connecting fails with UnavailableError and keeps the driver error as cause', async () => {
    const failure = await connectMongo(nowhere).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(UnavailableError);
    expect((failure as Error).cause).toBeDefined();
    await expect(createMongoStore(nowhere)).rejects.toBeInstanceOf(UnavailableError);
  });

  it.each([
    ['a replica set member', { setName: 'rs0', isWritablePrimary: true }],
    ['a mongos', { msg: 'isdbgrid' }],
  ])('when the server is %s, then transactions are available', async (_, hello) => {
    const connection = { db: { admin: () => ({ command: async () => hello }) } } as unknown as Connection;
    await expect(assertTransactionsSupported(connection)).resolves.toBeUndefined();
  });

  it('when the server is a standalone mongod, then the store refuses to start, naming the replica-set fix', async () => {
    const connection = {
      db: { admin: () => ({ command: async () => ({ isWritablePrimary: true }) }) },
    } as unknown as Connection;
    await expect(assertTransactionsSupported(connection)).rejects.toThrow(/replica set.*docs\/mongodb\.md/);
  });
});

describe('a MongoDB store whose server is gone', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = mongoose.createConnection(nowhere.url, {
      bufferCommands: false,
      serverSelectionTimeoutMS: 150,
    });
    connection.on('error', () => undefined);
    await connection.asPromise().catch(() => undefined);
  });
  afterAll(async () => {
    await connection.close(true);
  });

  it('when built, then it is kind mongo and carries every repository port', () => {
    const store = createMongoStoreOn(connection, nowhere);
    expect(store.kind).toBe('mongo');
    for (const [repo, methods] of Object.entries(repositoryCalls)) {
      const repository = (store as unknown as Record<string, Record<string, unknown>>)[repo];
      for (const method of Object.keys(methods)) expect(typeof repository[method]).toBe('function');
    }
  });

  it('when readiness pings it, then it fails at once with UnavailableError naming the connection state', async () => {
    const store = createMongoStoreOn(connection, nowhere);
    await expect(store.ping()).rejects.toThrow(new UnavailableError('MongoDB connection is disconnected'));
  });

  it('when a repository or a transaction runs, then it fails with UnavailableError, not a 500', async () => {
    const store = createMongoStoreOn(connection, nowhere);
    await expect(store.users.findByEmail('someone@example.com')).rejects.toBeInstanceOf(UnavailableError);
    await expect(store.transaction((tx) => tx.users.count())).rejects.toBeInstanceOf(UnavailableError);
  });
});
