import { createHash } from 'node:crypto';
import { v4 as uuidv4 } from 'uuid';
import type { AuthFailureRepository, OtpRecord, OtpRepository } from '../../auth.ports';
import { op, type Filter, type MongoOps } from '../../../../platform/mongo/mongo-ops';

interface OtpDoc {
  _id: string;
  email: string;
  codeHash?: string | null;
  attempts?: number;
  createdAt: Date;
  expiresAt: Date;
  consumedAt?: Date | null;
}

const toOtp = (d: OtpDoc): OtpRecord => ({
  id: d._id,
  email: d.email,
  codeHash: d.codeHash ?? null,
  attempts: d.attempts ?? 0,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  consumedAt: d.consumedAt ?? null,
});

/** `{ field: value, … }` from the set filters; field names are fixed here, never from input. */
function equalities(by: Record<string, string | undefined>, fields: Record<string, string>): Filter {
  const filter: Filter = {};
  for (const [key, value] of Object.entries(by)) {
    if (value === undefined) continue;
    const field = fields[key];
    if (!field) throw new Error(`unknown filter ${key}`);
    filter[field] = value;
  }
  if (Object.keys(filter).length === 0) throw new Error('a filter is required');
  return filter;
}

/** The code table with the steps only MongoDB's login rules take (login-rules.ts; SQL does them in PL/pgSQL). */
export interface MongoOtpRepository extends OtpRepository {
  /** Serialises the rules of one email inside a transaction (SQL: the advisory lock). */
  lockEmail(email: string): Promise<void>;
  /** The newest `limit` codes of an email, locked for update, newest first. */
  lockNewest(email: string, limit: number): Promise<OtpRecord[]>;
  incrementAttempts(ids: string[]): Promise<void>;
  consumeAll(email: string, now: Date): Promise<number>;
  /** Consumes one code if it is still pending and unexpired: the atomic claim of a sign-in. */
  consumeIfPending(id: string, now: Date): Promise<boolean>;
  /**
   * Marks a guess notice sent for the email, on its lock document, unless one was sent in the
   * hour before `now`; true when marked (SQL: the guess_notices row in otp_count_verify_attempt).
   */
  claimGuessNotice(email: string, now: Date): Promise<boolean>;
}

const HOUR = 3_600_000;
/** The lock document's id: a SHA-256 of the email (the lock needs identity, not the address). */
export const lockIdOf = (email: string) => createHash('sha256').update(email).digest('hex');

export interface MongoAuthFailureRepository extends AuthFailureRepository {
  oldestSince(by: { email?: string; ip?: string }, since: Date): Promise<Date | undefined>;
  clearForEmail(email: string): Promise<void>;
}

export function createMongoOtpRepository(ops: MongoOps): MongoOtpRepository {
  const fields = { email: 'email', requestIp: 'requestIp', emailDomain: 'emailDomain' };
  return {
    async lockEmail(email) {
      // MongoDB has no advisory locks. Inside the transaction this write to the email's lock
      // document is the lock: a second transaction writing it gets a write conflict, and
      // withTransaction reruns that one until the first has committed. The document holds a
      // hash, not the address, and expires by TTL. Outside a transaction it locks nothing.
      await ops.updateOne(
        'otpLocks',
        { _id: lockIdOf(email) },
        { $set: { lockedAt: new Date() }, $inc: { lockVersion: 1 } },
        { upsert: true },
      );
    },
    async create(otp) {
      const id = uuidv4();
      await ops.insertOne('otps', {
        _id: id,
        email: otp.email,
        emailDomain: otp.emailDomain,
        purpose: otp.purpose,
        requestIp: otp.requestIp,
        createdAt: otp.createdAt,
        expiresAt: otp.expiresAt,
        codeHash: null,
        attempts: 0,
        consumedAt: null,
      });
      return id;
    },
    async setCodeHash(id, codeHash, now, linkHash = null) {
      const result = await ops.updateOne(
        'otps',
        { _id: id, consumedAt: null, expiresAt: op({ $gt: now }) },
        { $set: { codeHash, linkHash } },
      );
      return result.matched > 0;
    },
    async findByLinkHash(linkHash, now) {
      // `$type: 'string'` repeats the unique index's partial filter, so the planner may use it.
      const doc = await ops.findOne<OtpDoc>(
        'otps',
        {
          linkHash: op({ $eq: linkHash, $type: 'string' }),
          consumedAt: null,
          expiresAt: op({ $gt: now }),
          codeHash: op({ $type: 'string' }),
        },
        { projection: { email: 1 } },
      );
      return doc ? { id: doc._id, email: doc.email } : undefined;
    },
    async latestCreatedAt(email) {
      const doc = await ops.findOne<{ createdAt: Date }>(
        'otps',
        { email },
        { sort: { createdAt: -1 }, projection: { createdAt: 1 } },
      );
      return doc?.createdAt;
    },
    async countCreatedSince(by, since) {
      return ops.count('otps', { ...equalities(by, fields), createdAt: op({ $gt: since }) });
    },
    async listNewest(email, limit) {
      const docs = await ops.find<OtpDoc>('otps', { email }, { sort: { createdAt: -1 }, limit });
      return docs.map(toOtp);
    },
    async lockNewest(email, limit) {
      const docs = await ops.find<OtpDoc>('otps', { email }, { sort: { createdAt: -1 }, limit });
      if (docs.length > 0) {
        // The write is the row lock (SQL: FOR UPDATE): a concurrent transaction that read the
        // same codes conflicts on commit and reruns, so attempts are never counted twice.
        await ops.updateMany(
          'otps',
          { _id: op({ $in: docs.map((d) => d._id) }) },
          { $inc: { lockVersion: 1 } },
        );
      }
      return docs.map(toOtp);
    },
    async incrementAttempts(ids) {
      if (ids.length === 0) return;
      await ops.updateMany('otps', { _id: op({ $in: ids }) }, { $inc: { attempts: 1 } });
    },
    async consumeAll(email, now) {
      // The consumedAt: null filter makes this the atomic consume: of two racing verifies only
      // one can move a code from pending to consumed.
      const result = await ops.updateMany('otps', { email, consumedAt: null }, { $set: { consumedAt: now } });
      return result.modified;
    },
    async consumeIfPending(id, now) {
      const result = await ops.updateOne(
        'otps',
        { _id: id, consumedAt: null, expiresAt: op({ $gt: now }) },
        { $set: { consumedAt: now } },
      );
      return result.matched > 0;
    },
    async claimGuessNotice(email, now) {
      // Under the email's lock: its lock document outlives a mark younger than its TTL (an hour).
      const _id = lockIdOf(email);
      const lock = await ops.findOne<{ guessNoticeAt?: Date | null }>(
        'otpLocks',
        { _id },
        { projection: { guessNoticeAt: 1 } },
      );
      const last = lock?.guessNoticeAt;
      if (last && last.getTime() > now.getTime() - HOUR) return false;
      await ops.updateOne(
        'otpLocks',
        { _id },
        { $set: { guessNoticeAt: now }, $setOnInsert: { lockedAt: now } },
        { upsert: true },
      );
      return true;
    },
    async deleteStale(before) {
      // The TTL index does the same on its own; this keeps the sweep's contract on every store.
      return ops.deleteMany('otps', { expiresAt: op({ $lt: before }), createdAt: op({ $lt: before }) });
    },
  };
}

export function createMongoAuthFailureRepository(ops: MongoOps): MongoAuthFailureRepository {
  const fields = { email: 'email', ip: 'ip' };
  const since = (by: { email?: string; ip?: string }, from: Date): Filter => ({
    ...equalities(by, fields),
    createdAt: op({ $gt: from }),
  });
  return {
    async record({ email, ip, at }) {
      await ops.insertOne('authFailures', { email, ip, createdAt: at });
    },
    async countSince(by, from) {
      return ops.count('authFailures', since(by, from));
    },
    async oldestSince(by, from) {
      const doc = await ops.findOne<{ createdAt: Date }>('authFailures', since(by, from), {
        sort: { createdAt: 1 },
        projection: { createdAt: 1 },
      });
      return doc?.createdAt;
    },
    async clearForEmail(email) {
      await ops.deleteMany('authFailures', { email });
    },
    async deleteBefore(before) {
      return ops.deleteMany('authFailures', { createdAt: op({ $lt: before }) });
    },
  };
}
