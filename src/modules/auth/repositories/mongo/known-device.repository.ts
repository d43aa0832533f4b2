import { ConflictError } from '../../../../platform/errors/app-error';
import { op, type MongoOps } from '../../../../platform/mongo/mongo-ops';
import type { KnownDeviceRepository, SessionLinkRepository } from '../../auth.ports';

/** The knowndevices collection: one document per user and device (SQL: known_devices). */
export function createMongoKnownDeviceRepository(ops: MongoOps): KnownDeviceRepository {
  return {
    async remember(userId, fingerprint, now) {
      const { upserted } = await ops.updateOne(
        'knownDevices',
        { _id: `${userId}:${fingerprint}`, userId },
        { $set: { lastSeenAt: now }, $setOnInsert: { firstSeenAt: now } },
        { upsert: true },
      );
      const others = await ops.count('knownDevices', {
        userId,
        _id: op({ $ne: `${userId}:${fingerprint}` }),
      });
      return { isNew: upserted, firstDevice: others === 0 };
    },
    async forgetBefore(before) {
      return ops.deleteMany('knownDevices', { lastSeenAt: op({ $lt: before }) });
    },
  };
}

/** The sessionlinks collection: a used link's id until it expires (TTL index; SQL: session_link_uses). */
export function createMongoSessionLinkRepository(ops: MongoOps): SessionLinkRepository {
  return {
    async claim(linkId, expiresAt) {
      try {
        await ops.insertOne('sessionLinks', { _id: linkId, expiresAt });
        return true;
      } catch (err) {
        if (err instanceof ConflictError) return false;
        throw err;
      }
    },
    async deleteExpired(now) {
      return ops.deleteMany('sessionLinks', { expiresAt: op({ $lte: now }) });
    },
  };
}
