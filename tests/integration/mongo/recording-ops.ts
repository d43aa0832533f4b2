import type { CollectionKey } from '../../../src/store/mongo/mongo-models';
import type { Filter, FindOptions, MongoOps, Sort, Update } from '../../../src/platform/mongo/mongo-ops';

/**
 * A stand-in for the collection operations that answers without a server and records every
 * call, so the offline tests see each filter, sort and update the repositories build. It is a
 * test double at the unit level only: the adapter's behaviour is held to the contract suite
 * against a real MongoDB (tests/contract/mongo.contract.test.ts).
 */
export interface RecordedCall {
  collection: CollectionKey;
  operation: string;
  filter?: Filter;
  update?: Update;
  doc?: Record<string, unknown>;
  sort?: Sort;
  hint?: Sort;
  limit?: number;
  /** The read may go where MONGODB_READ_PREFERENCE says (else: the primary). */
  secondaryOk?: boolean;
}

const at = new Date('2030-01-01T00:00:00Z');

/** One document with every field any repository maps, so each code path runs to its end. */
export const anyDoc = (): Record<string, unknown> => ({
  _id: 'doc-1',
  email: 'someone@example.com',
  emailDomain: 'example.com',
  purpose: 'login',
  codeHash: 'hash',
  attempts: 0,
  requestIp: '203.0.113.7',
  ip: '203.0.113.7',
  createdAt: at,
  expiresAt: at,
  consumedAt: null,
  lastLoginAt: at,
  sessionId: 'session-1',
  userId: 'user-1',
  lastUsedAt: at,
  absoluteExpiresAt: at,
  revokedAt: null,
  tokenHash: 'token-hash',
  parentHash: null,
  rotatedAt: null,
  reason: 'bounce',
  source: 'sendgrid',
  otpId: null,
  provider: 'sendgrid',
  providerMessageId: 'pm-1',
  providerEventId: 'ev-1',
  messageId: 'doc-1',
  status: 'sent',
  updatedAt: at,
  type: 'delivered',
  occurredAt: at,
  cidr: '203.0.113.0/24',
  action: 'deny',
  note: null,
});

export function createRecordingOps(): { ops: MongoOps; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  // Recorded under the store's collection names; the schema test looks each one up in the models.
  const record = (call: Omit<RecordedCall, 'collection'> & { collection: string }) =>
    calls.push(call as RecordedCall);
  const findOptions = (options: FindOptions = {}) => ({
    sort: options.sort,
    hint: options.hint,
    limit: options.limit,
    ...(options.secondaryOk ? { secondaryOk: true } : {}),
  });
  const ops: MongoOps = {
    inTransaction: false,
    async findOne<T>(collection: CollectionKey, filter: Filter, options?: FindOptions) {
      record({ collection, operation: 'findOne', filter, ...findOptions(options) });
      return anyDoc() as T;
    },
    async find<T>(collection: CollectionKey, filter: Filter, options?: FindOptions) {
      record({ collection, operation: 'find', filter, ...findOptions(options) });
      return [anyDoc()] as T[];
    },
    async count(collection, filter, options) {
      record({ collection, operation: 'count', filter, hint: options?.hint });
      return 0;
    },
    async insertOne(collection, doc) {
      record({ collection, operation: 'insertOne', doc });
    },
    async updateOne(collection, filter, update) {
      record({ collection, operation: 'updateOne', filter, update });
      return { matched: 1, modified: 1, upserted: true };
    },
    async updateMany(collection, filter, update) {
      record({ collection, operation: 'updateMany', filter, update });
      return { matched: 1, modified: 1, upserted: false };
    },
    async findOneAndUpdate<T>(collection: CollectionKey, filter: Filter, update: Update) {
      record({ collection, operation: 'findOneAndUpdate', filter, update });
      return { doc: anyDoc() as T, upserted: true };
    },
    async deleteOne(collection, filter) {
      record({ collection, operation: 'deleteOne', filter });
      return 1;
    },
    async deleteMany(collection, filter) {
      record({ collection, operation: 'deleteMany', filter });
      return 1;
    },
    atomically: (work) => work(ops),
  };
  return { ops, calls };
}
