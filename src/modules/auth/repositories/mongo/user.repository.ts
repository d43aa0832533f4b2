import { v4 as uuidv4 } from 'uuid';
import type { User, UserRepository } from '../../auth.ports';
import { op, type MongoOps } from '../../../../platform/mongo/mongo-ops';
import { ConflictError } from '../../../../platform/errors/app-error';
import { lockIdOf } from './otp.repository';
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
      // SQL cascades user → sessions → refresh tokens, known devices, factors and recovery codes,
      // and deletes the address's codes, failures and guess-notice mark; one transaction here.
      return ops.atomically(async (tx) => {
        const user = await tx.findOne<UserDoc>('users', { _id: id });
        if (!user || (await tx.deleteOne('users', { _id: id })) === 0) return false;
        await tx.deleteMany('otps', { email: user.email });
        await tx.deleteMany('authFailures', { email: user.email });
        await tx.deleteOne('otpLocks', { _id: lockIdOf(user.email) });
        await deleteSessionsWithTokens(tx, { userId: id });
        await tx.deleteMany('knownDevices', { userId: id });
        await tx.deleteOne('totpFactors', { _id: id });
        await tx.deleteMany('recoveryCodes', { userId: id });
        return true;
      });
    },
    async changeEmail(id, email) {
      try {
        const result = await ops.updateOne('users', { _id: id }, { $set: { email } });
        return result.matched > 0 ? 'changed' : 'not_found';
      } catch (err) {
        if (err instanceof ConflictError) return 'taken';
        throw err;
      }
    },
    async count() {
      // Hinted to the _id index: an exact count from the index alone, inside transactions too.
      return ops.count('users', {}, { hint: { _id: 1 } });
    },
  };
}
