import type { Queryable } from '../../../../platform/sql/sql-client';
import type { KnownDeviceRepository, SessionLinkRepository } from '../../auth.ports';

export function createSqlKnownDeviceRepository(db: Queryable): KnownDeviceRepository {
  return {
    async remember(userId, fingerprint, now) {
      // One statement: the upsert tells whether the row is new (xmax = 0); the outer query,
      // reading the snapshot before it, whether the user had any other device.
      const rows = await db.query<{ inserted: boolean; others: boolean }>(
        `WITH upsert AS (
           INSERT INTO known_devices (user_id, fingerprint, first_seen_at, last_seen_at)
           VALUES ($1, $2, $3, $3)
           ON CONFLICT (user_id, fingerprint) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
           RETURNING (xmax = 0) AS inserted
         )
         SELECT upsert.inserted,
                EXISTS (SELECT 1 FROM known_devices WHERE user_id = $1 AND fingerprint <> $2) AS others
         FROM upsert`,
        [userId, fingerprint, now],
      );
      const row = rows[0];
      return { isNew: Boolean(row?.inserted), firstDevice: !row?.others };
    },
    async forgetBefore(before) {
      const rows = await db.query('DELETE FROM known_devices WHERE last_seen_at < $1 RETURNING 1', [before]);
      return rows.length;
    },
  };
}

export function createSqlSessionLinkRepository(db: Queryable): SessionLinkRepository {
  return {
    async claim(linkId, expiresAt) {
      const rows = await db.query(
        `INSERT INTO session_link_uses (link_id, expires_at) VALUES ($1, $2)
         ON CONFLICT (link_id) DO NOTHING RETURNING 1`,
        [linkId, expiresAt],
      );
      return rows.length > 0;
    },
    async deleteExpired(now) {
      const rows = await db.query('DELETE FROM session_link_uses WHERE expires_at <= $1 RETURNING 1', [now]);
      return rows.length;
    },
  };
}
