import { v4 as uuidv4 } from 'uuid';
import type { User, UserRepository } from '../../auth.ports';
import { op, type MongoOps } from '../../../../platform/mongo/mongo-ops';
import { deleteSessionsWithTokens } from './session.repository';

interface UserDoc {
  _id: string;
  email: string;
  createdAt: Date;
  lastLoginAt?: Date | null;
}

const toUser = (d: UserDoc): User => ({
  id: d._id,
  email: d.email,
  createdAt: d.createdAt,
  lastLoginAt: d.lastLoginAt ?? null,
});

export function createMongoUserRepository(ops: MongoOps): UserRepository {
  return {
    async findById(id) {
      const doc = await ops.findOne<UserDoc>('users', { _id: id });
      return doc && toUser(doc);
    },
    async findByEmail(email) {
      const doc = await ops.findOne<UserDoc>('users', { email });
      return doc && toUser(doc);
    },
    async upsertOnLogin(email, now) {
      // One atomic upsert on the unique email: a racing first login matches the winner's
      // document (the server retries the duplicate key itself; ops retries once more).
      const { doc } = await ops.findOneAndUpdate<UserDoc>(
        'users',
        { email },
        { $setOnInsert: { _id: uuidv4(), createdAt: now }, $set: { lastLoginAt: now } },
        { upsert: true },
      );
      if (!doc) throw new Error('upsert returned no document');
      return toUser(doc);
    },
    async list({ limit, after }) {
      const filter = after
        ? {
            $or: [
              { createdAt: op({ $gt: after.createdAt }) },
              { createdAt: after.createdAt, _id: op({ $gt: after.id }) },
            ],
          }
        : {};
      const docs = await ops.find<UserDoc>('users', filter, { sort: { createdAt: 1, _id: 1 }, limit });
      return docs.map(toUser);
    },
    async delete(id) {
      // SQL cascades user → sessions → refresh tokens, known devices, factors and recovery codes;
      // here one transaction does the same.
      return ops.atomically(async (tx) => {
        if ((await tx.deleteOne('users', { _id: id })) === 0) return false;
        await deleteSessionsWithTokens(tx, { userId: id });
        await tx.deleteMany('knownDevices', { userId: id });
        await tx.deleteOne('totpFactors', { _id: id });
        await tx.deleteMany('recoveryCodes', { userId: id });
        return true;
      });
    },
    async count() {
      // Hinted to the _id index: an exact count from the index alone, inside transactions too.
      return ops.count('users', {}, { hint: { _id: 1 } });
    },
  };
}
