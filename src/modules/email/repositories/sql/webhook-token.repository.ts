import type { Queryable } from '../../../../platform/sql/sql-client';
import type { WebhookTokenRepository } from '../../email.ports';

export function createSqlWebhookTokenRepository(db: Queryable): WebhookTokenRepository {
  return {
    async claim(t, now) {
      // One statement: a new token is inserted; a recorded one is taken again only once expired.
      const rows = await db.query(
        `INSERT INTO webhook_tokens (provider, token_hash, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (provider, token_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE webhook_tokens.expires_at <= $4
         RETURNING 1`,
        [t.provider, t.tokenHash, t.expiresAt, now],
      );
      return rows.length > 0;
    },
    async release(provider, tokenHash) {
      await db.query('DELETE FROM webhook_tokens WHERE provider = $1 AND token_hash = $2', [
        provider,
        tokenHash,
      ]);
    },
    async deleteExpired(now) {
      const rows = await db.query('DELETE FROM webhook_tokens WHERE expires_at <= $1 RETURNING 1', [now]);
      return rows.length;
    },
  };
}
