import { ConflictError } from '../../../../platform/errors/app-error';
import { op, type MongoOps } from '../../../../platform/mongo/mongo-ops';
import type { WebhookTokenRepository } from '../../email.ports';

const idOf = (provider: string, tokenHash: string) => `${provider}:${tokenHash}`;

/** The webhookTokens collection: the unique _id makes a token single-use; a TTL index removes it. */
export function createMongoWebhookTokenRepository(ops: MongoOps): WebhookTokenRepository {
  return {
    async claim(t, now) {
      const _id = idOf(t.provider, t.tokenHash);
      try {
        await ops.insertOne('webhookTokens', { _id, expiresAt: t.expiresAt });
        return true;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
      // Recorded already: taken again only once expired (the TTL monitor deletes lazily).
      const { modified } = await ops.updateOne(
        'webhookTokens',
        { _id, expiresAt: op({ $lte: now }) },
        { $set: { expiresAt: t.expiresAt } },
      );
      return modified > 0;
    },
    async release(provider, tokenHash) {
      await ops.deleteOne('webhookTokens', { _id: idOf(provider, tokenHash) });
    },
    async deleteExpired(now) {
      return ops.deleteMany('webhookTokens', { expiresAt: op({ $lte: now }) });
    },
  };
}
