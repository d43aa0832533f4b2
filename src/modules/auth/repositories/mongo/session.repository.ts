import type {
  RefreshTokenRecord,
  RefreshTokenRepository,
  Session,
  SessionRepository,
} from '../../auth.ports';
import { op, type Filter, type MongoOps } from '../../../../platform/mongo/mongo-ops';

interface SessionDoc {
  sessionId: string;
  userId: string;
  ip?: string | null;
  userAgent?: string | null;
  deviceFingerprint?: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt?: Date | null;
  revokedReason?: string | null;
  aal?: 'aal1' | 'aal2';
  authenticatedAt?: Date | null;
}

interface RefreshDoc {
  tokenHash: string;
  sessionId: string;
  parentHash?: string | null;
  createdAt: Date;
  rotatedAt?: Date | null;
}

const DAY_MS = 86_400_000;
const DELETE_BATCH = 500;

const toSession = (d: SessionDoc): Session => ({
  id: d.sessionId,
  userId: d.userId,
  ip: d.ip ?? null,
  userAgent: d.userAgent ?? null,
  deviceFingerprint: d.deviceFingerprint ?? null,
  createdAt: d.createdAt,
  lastUsedAt: d.lastUsedAt,
  expiresAt: d.expiresAt,
  absoluteExpiresAt: d.absoluteExpiresAt,
  revokedAt: d.revokedAt ?? null,
  revokedReason: d.revokedReason ?? null,
  aal: d.aal ?? 'aal1',
  authenticatedAt: d.authenticatedAt ?? null,
});

const toRefresh = (d: RefreshDoc): RefreshTokenRecord => ({
  tokenHash: d.tokenHash,
  sessionId: d.sessionId,
  parentHash: d.parentHash ?? null,
  createdAt: d.createdAt,
  rotatedAt: d.rotatedAt ?? null,
});

/**
 * Deletes the sessions matching `filter` and their refresh tokens (SQL: ON DELETE CASCADE), in
 * batches so a large sweep never builds one huge `$in`. Sessions go first: a crash in between
 * leaves only tokens whose session is gone, which no refresh accepts and the TTL index purges.
 */
export async function deleteSessionsWithTokens(ops: MongoOps, filter: Filter): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await ops.find<{ sessionId: string }>('sessions', filter, {
      projection: { sessionId: 1 },
      limit: DELETE_BATCH,
    });
    if (batch.length === 0) return deleted;
    const ids = batch.map((s) => s.sessionId);
    const removed = await ops.deleteMany('sessions', { ...filter, sessionId: op({ $in: ids }) });
    await ops.deleteMany('refreshTokens', { sessionId: op({ $in: ids }) });
    deleted += removed;
    if (batch.length < DELETE_BATCH || removed === 0) return deleted;
  }
}

/** Sessions with the steps only MongoDB's refresh rule takes (login-rules.ts; SQL: refresh_token_rotate). */
export interface MongoSessionRepository extends SessionRepository {
  lockById(id: string): Promise<Session | undefined>;
  touch(id: string, lastUsedAt: Date, expiresAt: Date): Promise<void>;
}

export interface MongoRefreshTokenRepository extends RefreshTokenRepository {
  /** Finds a token by hash and locks it for update. */
  lockByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  markRotated(tokenHash: string, at: Date): Promise<void>;
}

export function createMongoSessionRepository(ops: MongoOps): MongoSessionRepository {
  return {
    async create(s) {
      const doc = {
        sessionId: s.id,
        userId: s.userId,
        ip: s.ip,
        userAgent: s.userAgent,
        deviceFingerprint: s.deviceFingerprint,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        expiresAt: s.expiresAt,
        absoluteExpiresAt: s.absoluteExpiresAt,
        revokedAt: null,
        revokedReason: null,
      };
      await ops.insertOne('sessions', doc);
      return toSession(doc);
    },
    async findById(id, options = {}) {
      // The one read that may go to a secondary (MONGODB_READ_PREFERENCE): expiry and
      // revocation are checked on what it returns, and locked reads never come here. A read
      // that fills the session cache asks for the primary: a copy from a lagging secondary
      // could still show a session revoked a moment ago, and the cached entry would outlive
      // the revocation (the cache's epoch was already bumped by then).
      const secondaryOk = options.primary !== true;
      const doc = await ops.findOne<SessionDoc>('sessions', { sessionId: id }, { secondaryOk });
      return doc && toSession(doc);
    },
    async lockById(id) {
      // Read-with-write-lock: the write makes a concurrent transaction touching this session
      // fail with a write conflict, and the driver reruns it after this one commits.
      const { doc } = await ops.findOneAndUpdate<SessionDoc>(
        'sessions',
        { sessionId: id },
        { $inc: { lockVersion: 1 } },
      );
      return doc && toSession(doc);
    },
    async touch(id, lastUsedAt, expiresAt) {
      await ops.updateOne('sessions', { sessionId: id }, { $set: { lastUsedAt, expiresAt } });
    },
    async revoke(id, at, reason) {
      const result = await ops.updateOne(
        'sessions',
        { sessionId: id, revokedAt: null },
        { $set: { revokedAt: at, revokedReason: reason } },
      );
      return result.matched > 0;
    },
    async revokeAllForUser(userId, at, reason) {
      const result = await ops.updateMany(
        'sessions',
        { userId, revokedAt: null },
        { $set: { revokedAt: at, revokedReason: reason } },
      );
      return result.modified;
    },
    async listActiveForUser(userId, now, { limit, after }) {
      const filter: Filter = { userId, revokedAt: null, expiresAt: op({ $gt: now }) };
      if (after) {
        filter.$or = [
          { createdAt: op({ $lt: after.createdAt }) },
          { createdAt: after.createdAt, sessionId: op({ $lt: after.id }) },
        ];
      }
      const docs = await ops.find<SessionDoc>('sessions', filter, {
        sort: { createdAt: -1, sessionId: -1 },
        limit,
      });
      return docs.map(toSession);
    },
    async count({ activeAt }) {
      if (!activeAt) return ops.count('sessions', {}, { hint: { _id: 1 } });
      return ops.count('sessions', { expiresAt: op({ $gt: activeAt }), revokedAt: null });
    },
    async deleteExpired(before) {
      return deleteSessionsWithTokens(ops, { expiresAt: op({ $lt: before }) });
    },
  };
}

export function createMongoRefreshTokenRepository(ops: MongoOps): MongoRefreshTokenRepository {
  return {
    async insert(t) {
      // A token is useless once its session has reached its absolute expiry: it is purged by
      // TTL a day later, even when its session went first (the sessions TTL index).
      const session = await ops.findOne<{ absoluteExpiresAt: Date }>(
        'sessions',
        { sessionId: t.sessionId },
        { projection: { absoluteExpiresAt: 1 } },
      );
      if (!session) throw new Error('refresh token for an unknown session');
      await ops.insertOne('refreshTokens', {
        tokenHash: t.tokenHash,
        sessionId: t.sessionId,
        parentHash: t.parentHash,
        createdAt: t.createdAt,
        rotatedAt: t.rotatedAt,
        purgeAt: new Date(session.absoluteExpiresAt.getTime() + DAY_MS),
      });
    },
    async replaceChain(t) {
      await ops.atomically(async (tx) => {
        await tx.deleteMany('refreshTokens', { sessionId: t.sessionId });
        await createMongoRefreshTokenRepository(tx).insert(t);
      });
    },
    async findByHash(tokenHash) {
      const doc = await ops.findOne<RefreshDoc>('refreshTokens', { tokenHash });
      return doc && toRefresh(doc);
    },
    async lockByHash(tokenHash) {
      // Two racing refreshes of one token: the second's lock write conflicts, it reruns after
      // the first commits, sees the rotation and takes the grace path; the chain never forks.
      const { doc } = await ops.findOneAndUpdate<RefreshDoc>(
        'refreshTokens',
        { tokenHash },
        { $inc: { lockVersion: 1 } },
      );
      return doc && toRefresh(doc);
    },
    async findChild(parentHash) {
      // `$type: 'string'` repeats the unique index's partial filter, so the planner may use it.
      const doc = await ops.findOne<RefreshDoc>('refreshTokens', {
        parentHash: op({ $eq: parentHash, $type: 'string' }),
      });
      return doc && toRefresh(doc);
    },
    async markRotated(tokenHash, at) {
      await ops.updateOne('refreshTokens', { tokenHash }, { $set: { rotatedAt: at } });
    },
  };
}
