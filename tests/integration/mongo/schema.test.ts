import mongoose from 'mongoose';
import { loadConfig } from '../../../src/platform/config/config';
import { createModels, OTP_TTL_SECONDS, type CollectionKey } from '../../../src/store/mongo/mongo-models';
import { indexesOf, models } from './declared-indexes';
import type { IndexSpec } from './index-coverage';

/**
 * The MongoDB schemas held to PRODUCT.md "Data", with no server: indexes are read from
 * `Model.schema.indexes()` (declared-indexes.ts). That the repositories' queries use them is
 * query-indexes.test.ts; the behaviour itself is the contract suite's job (needs TEST_MONGODB_URL).
 */
function findIndex(collection: CollectionKey, keys: Record<string, number>): IndexSpec | undefined {
  const wanted = JSON.stringify(Object.entries(keys));
  return indexesOf(collection).find((i) => JSON.stringify(i.keys) === wanted);
}

describe('MongoDB collections', () => {
  it('when the models are registered, then each collection has its PRODUCT.md / SQL name', () => {
    const names = Object.fromEntries(
      Object.entries(models).map(([key, model]) => [key, model.collection.collectionName]),
    );
    expect(names).toEqual({
      users: 'users',
      otps: 'otps',
      otpLocks: 'otplocks',
      authFailures: 'authfailures',
      sessions: 'sessions',
      refreshTokens: 'refreshtokens',
      suppressions: 'emailsuppressions',
      emailMessages: 'emailmessages',
      emailEvents: 'emailevents',
      webhookTokens: 'webhooktokens',
      knownDevices: 'knowndevices',
      sessionLinks: 'sessionlinks',
      ipRules: 'iprules',
      adminAudit: 'adminauditlog',
      totpFactors: 'totpfactors',
      recoveryCodes: 'recoverycodes',
    });
  });

  it('when a session is stored, then its id lives in `sessionId`, not `_id`', () => {
    expect(models.sessions.schema.path('sessionId')).toBeDefined();
    expect(models.sessions.schema.path('_id').instance).toBe('ObjectId');
  });
});

describe('PRODUCT.md indexes', () => {
  it.each([
    ['users', { email: 1 }],
    ['sessions', { sessionId: 1 }],
    ['refreshTokens', { tokenHash: 1 }],
    ['suppressions', { email: 1 }],
    ['emailEvents', { provider: 1, providerEventId: 1 }],
    ['ipRules', { cidr: 1, action: 1 }],
  ] as Array<[CollectionKey, Record<string, number>]>)(
    'when %s is indexed on %j, then the index is unique',
    (collection, keys) => {
      expect(findIndex(collection, keys)?.options).toMatchObject({ unique: true });
    },
  );

  it('when otps are indexed, then {email: 1, expiresAt: 1} exists', () => {
    expect(findIndex('otps', { email: 1, expiresAt: 1 })).toBeDefined();
  });

  it('when codes expire, then the TTL on expiresAt keeps them an hour past expiry, so hourly caps still count them', () => {
    // expiresAt >= createdAt, so a code is deleted no sooner than createdAt + 1 h: the window
    // OTP_MAX_PER_EMAIL/IP/DOMAIN_PER_HOUR count over. expireAfterSeconds 0 would drop a
    // 10-minute code after 10 minutes and let a caller reset the hourly caps by waiting.
    expect(OTP_TTL_SECONDS).toBe(3600);
    expect(findIndex('otps', { expiresAt: 1 })?.options).toMatchObject({ expireAfterSeconds: 3600 });
  });

  it('when sessions expire, then {expiresAt: 1} is a TTL index with expireAfterSeconds 0', () => {
    expect(findIndex('sessions', { expiresAt: 1 })?.options).toMatchObject({ expireAfterSeconds: 0 });
  });

  it('when refresh tokens are chained, then parentHash is unique for strings only (first tokens have none)', () => {
    expect(findIndex('refreshTokens', { parentHash: 1 })?.options).toMatchObject({
      unique: true,
      partialFilterExpression: { parentHash: { $type: 'string' } },
    });
  });

  it('when a code carries a sign-in link, then linkHash is unique for strings only (codes without one have none)', () => {
    expect(findIndex('otps', { linkHash: 1 })?.options).toMatchObject({
      unique: true,
      partialFilterExpression: { linkHash: { $type: 'string' } },
    });
  });

  it.each([
    ['authFailures', 'createdAt', 3600],
    ['otpLocks', 'lockedAt', 3600],
    ['refreshTokens', 'purgeAt', 0],
  ] as Array<[CollectionKey, string, number]>)(
    'when %s ages, then a TTL on %s removes it after %i s',
    (collection, field, seconds) => {
      expect(findIndex(collection, { [field]: 1 })?.options).toMatchObject({ expireAfterSeconds: seconds });
    },
  );

  it('when an index has a TTL, then it is single-field on a Date path (MongoDB ignores any other)', () => {
    for (const collection of Object.keys(models) as CollectionKey[]) {
      for (const index of indexesOf(collection).filter((i) => 'expireAfterSeconds' in i.options)) {
        expect(index.keys).toHaveLength(1);
        expect(models[collection].schema.path(index.keys[0][0])?.instance).toBe('Date');
      }
    }
  });

  it('when indexes are declared, then each names only fields of its schema', () => {
    for (const collection of Object.keys(models) as CollectionKey[]) {
      for (const index of indexesOf(collection)) {
        for (const [field] of index.keys) expect(models[collection].schema.path(field)).toBeDefined();
      }
    }
  });
});

describe('mongoose settings', () => {
  it('when the models are created, then sanitizeFilter and strictQuery are on, and schemas throw on unknown paths', () => {
    expect(mongoose.get('sanitizeFilter')).toBe(true);
    expect(mongoose.get('strictQuery')).toBe(true);
    for (const model of Object.values(models)) {
      expect(model.schema.get('strictQuery')).toBe('throw');
      expect(model.schema.get('strict')).toBe('throw');
    }
  });

  it('when an untrusted operator reaches a mongoose filter, then sanitizeFilter turns it into a failing equality', async () => {
    // Nothing listens on port 1: with bufferCommands off, a query that passes casting fails at once.
    const offline = mongoose.createConnection('mongodb://127.0.0.1:1/none', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 100,
    });
    offline.on('error', () => undefined);
    try {
      const { users } = createModels(offline);
      await expect(users.findOne({ email: { $gt: '' } }).exec()).rejects.toMatchObject({ name: 'CastError' });
      // Our own operators are marked trusted and pass the sanitiser (then find no server).
      await expect(users.findOne({ email: mongoose.trusted({ $gt: '' }) }).exec()).rejects.toThrow(
        /initial connection/,
      );
    } finally {
      await offline.close(true).catch(() => undefined);
    }
  });
});

describe('configuration', () => {
  const production = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'a'.repeat(16) + 'b7c9d1e3f5a7b9c1d3e5f7a9',
    DATABASE_URL: 'mongodb://db.internal:27017/otp?replicaSet=rs0',
    SMTP_HOST: 'smtp.example.com',
    CORS_ORIGIN: 'https://app.example.com',
    METRICS_TOKEN: 'metrics-token-0123456789',
  };

  it('when DATABASE_URL is mongodb, then pool, timeouts and read preference come from their settings', () => {
    const storage = loadConfig({
      DATABASE_URL: 'mongodb://db:27017/otp',
      MONGODB_POOL_SIZE: '25',
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '2000',
      MONGODB_SOCKET_TIMEOUT_MS: '15000',
      MONGODB_READ_PREFERENCE: 'secondaryPreferred',
    }).storage;
    expect(storage).toEqual({
      kind: 'mongo',
      url: 'mongodb://db:27017/otp',
      poolSize: 25,
      serverSelectionTimeoutMs: 2000,
      socketTimeoutMs: 15000,
      sessionReadPreference: 'secondaryPreferred',
      autoIndex: true,
    });
  });

  it('when NODE_ENV is production, then indexes are not built at start (npm run db:indexes does it)', () => {
    expect(loadConfig(production).storage).toMatchObject({ kind: 'mongo', autoIndex: false });
  });

  it('when the read preference is not a MongoDB mode, then config refuses it', () => {
    expect(() =>
      loadConfig({ DATABASE_URL: 'mongodb://db/otp', MONGODB_READ_PREFERENCE: 'fastest' }),
    ).toThrow(/MONGODB_READ_PREFERENCE/);
  });
});
