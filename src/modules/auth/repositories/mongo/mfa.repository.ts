import { op, type MongoOps } from '../../../../platform/mongo/mongo-ops';
import type { MfaRepository, TotpFactor } from '../../mfa.ports';

interface FactorDoc {
  _id: string;
  factorId: string;
  secretEncrypted: string;
  status: 'unconfirmed' | 'active';
  lastUsedStep?: number | null;
  createdAt: Date;
  confirmedAt?: Date | null;
}

/** One factor per user: the user id is the document's _id (SQL: a unique index on user_id). */
const toFactor = (d: FactorDoc): TotpFactor => ({
  id: d.factorId,
  userId: d._id,
  secretEncrypted: d.secretEncrypted,
  status: d.status,
  lastUsedStep: d.lastUsedStep ?? null,
  createdAt: d.createdAt,
  confirmedAt: d.confirmedAt ?? null,
});

/** The totpFactors and recoveryCodes collections; each rule is one conditional update. */
export function createMongoMfaRepository(ops: MongoOps): MfaRepository {
  return {
    async findFactor(userId) {
      const doc = await ops.findOne<FactorDoc>('totpFactors', { _id: userId });
      return doc && toFactor(doc);
    },
    async enrol(f) {
      const fields = {
        factorId: f.id,
        secretEncrypted: f.secretEncrypted,
        status: 'unconfirmed',
        lastUsedStep: null,
        createdAt: f.createdAt,
        confirmedAt: null,
      };
      const { modified } = await ops.updateOne(
        'totpFactors',
        { _id: f.userId, status: 'unconfirmed' },
        { $set: fields },
      );
      if (modified === 0) {
        if (await ops.findOne('totpFactors', { _id: f.userId })) return undefined;
        await ops.insertOne('totpFactors', { _id: f.userId, ...fields });
      }
      return { ...f, status: 'unconfirmed', lastUsedStep: null, confirmedAt: null };
    },
    async useStep(factorId, step, { activateAt, secretEncrypted }) {
      const set: Record<string, unknown> = { lastUsedStep: step };
      if (activateAt) Object.assign(set, { status: 'active', confirmedAt: activateAt });
      if (secretEncrypted) set.secretEncrypted = secretEncrypted;
      const { modified } = await ops.updateOne(
        'totpFactors',
        {
          factorId,
          ...(activateAt ? {} : { status: 'active' }),
          $or: op([{ lastUsedStep: null }, { lastUsedStep: op({ $lt: step }) }]),
        },
        { $set: set },
      );
      return modified > 0;
    },
    async deleteFactor(userId) {
      const n = await ops.deleteOne('totpFactors', { _id: userId });
      await ops.deleteMany('recoveryCodes', { userId });
      return n > 0;
    },
    async replaceRecoveryCodes(userId, hashes, now) {
      await ops.deleteMany('recoveryCodes', { userId });
      for (const codeHash of hashes) {
        await ops.insertOne('recoveryCodes', { _id: `${userId}:${codeHash}`, userId, createdAt: now });
      }
    },
    async useRecoveryCode(userId, hash, now) {
      const { modified } = await ops.updateOne(
        'recoveryCodes',
        { _id: `${userId}:${hash}`, usedAt: null },
        { $set: { usedAt: now } },
      );
      return modified > 0;
    },
    countUnusedRecoveryCodes(userId) {
      // `usedAt: null` also matches a document without the field (an unused code).
      return ops.count('recoveryCodes', { userId, usedAt: null });
    },
    async elevateSession(sessionId, aal, at) {
      const set: Record<string, unknown> = { authenticatedAt: at };
      if (aal === 'aal2') set.aal = 'aal2';
      const { matched } = await ops.updateOne('sessions', { sessionId, revokedAt: null }, { $set: set });
      return matched > 0;
    },
    async consumeCode(otpId, now) {
      const { modified } = await ops.updateOne(
        'otps',
        { _id: otpId, consumedAt: null },
        { $set: { consumedAt: now } },
      );
      return modified > 0;
    },
  };
}
