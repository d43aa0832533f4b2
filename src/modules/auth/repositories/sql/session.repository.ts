import type {
  RefreshTokenRecord,
  RefreshTokenRepository,
  Session,
  SessionRepository,
} from '../../auth.ports';
import type { Queryable } from '../../../../platform/sql/sql-client';

export interface SessionRow {
  id: string;
  user_id: string;
  ip: string | null;
  user_agent: string | null;
  device_fingerprint: string | null;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  absolute_expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
  aal?: 'aal1' | 'aal2';
  authenticated_at?: Date | null;
}

const date = (d: Date | null): Date | null => (d ? new Date(d) : null);

export const toSession = (r: SessionRow): Session => ({
  id: r.id,
  userId: r.user_id,
  ip: r.ip,
  userAgent: r.user_agent,
  deviceFingerprint: r.device_fingerprint,
  createdAt: new Date(r.created_at),
  lastUsedAt: new Date(r.last_used_at),
  expiresAt: new Date(r.expires_at),
  absoluteExpiresAt: new Date(r.absolute_expires_at),
  revokedAt: date(r.revoked_at),
  revokedReason: r.revoked_reason,
  aal: r.aal ?? 'aal1',
  authenticatedAt: date(r.authenticated_at ?? null),
});

export function createSqlSessionRepository(db: Queryable): SessionRepository {
  return {
    async create(s) {
      const rows = await db.query<SessionRow>(
        `INSERT INTO sessions (id, user_id, ip, user_agent, device_fingerprint, created_at, last_used_at,
           expires_at, absolute_expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
        [
          s.id,
          s.userId,
          s.ip,
          s.userAgent,
          s.deviceFingerprint,
          s.createdAt,
          s.lastUsedAt,
          s.expiresAt,
          s.absoluteExpiresAt,
        ],
      );
      return toSession(rows[0]);
    },
    async findById(id) {
      const rows = await db.query<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id]);
      return rows[0] && toSession(rows[0]);
    },
    async revoke(id, at, reason) {
      const rows = await db.query(
        `UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [id, at, reason],
      );
      return rows.length > 0;
    },
    async revokeAllForUser(userId, at, reason) {
      const rows = await db.query(
        `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
         WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
        [userId, at, reason],
      );
      return rows.length;
    },
    async listActiveForUser(userId, now, { limit, after }) {
      const params: unknown[] = [userId, now, limit];
      let cursor = '';
      if (after) {
        params.push(after.createdAt, after.id);
        cursor = 'AND (created_at, id) < ($4, $5)';
      }
      const rows = await db.query<SessionRow>(
        `SELECT * FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ${cursor}
         ORDER BY created_at DESC, id DESC LIMIT $3`,
        params,
      );
      return rows.map(toSession);
    },
    async count({ activeAt }) {
      const rows = activeAt
        ? await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM sessions WHERE revoked_at IS NULL AND expires_at > $1',
            [activeAt],
          )
        : await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions');
      return rows[0].n;
    },
    async deleteExpired(before) {
      const rows = await db.query('DELETE FROM sessions WHERE expires_at < $1 RETURNING id', [before]);
      return rows.length;
    },
  };
}

interface RefreshRow {
  token_hash: string;
  session_id: string;
  parent_hash: string | null;
  created_at: Date;
  rotated_at: Date | null;
}

const toRefresh = (r: RefreshRow): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  sessionId: r.session_id,
  parentHash: r.parent_hash,
  createdAt: new Date(r.created_at),
  rotatedAt: date(r.rotated_at),
});

export function createSqlRefreshTokenRepository(db: Queryable): RefreshTokenRepository {
  return {
    async insert(t) {
      await db.query(
        'INSERT INTO refresh_tokens (token_hash, session_id, parent_hash, created_at, rotated_at) VALUES ($1,$2,$3,$4,$5)',
        [t.tokenHash, t.sessionId, t.parentHash, t.createdAt, t.rotatedAt],
      );
    },
    async replaceChain(t) {
      // One statement: the delete and the insert commit together.
      await db.query(
        `WITH gone AS (DELETE FROM refresh_tokens WHERE session_id = $2)
         INSERT INTO refresh_tokens (token_hash, session_id, parent_hash, created_at, rotated_at)
         VALUES ($1,$2,$3,$4,$5)`,
        [t.tokenHash, t.sessionId, t.parentHash, t.createdAt, t.rotatedAt],
      );
    },
    async findByHash(tokenHash) {
      const rows = await db.query<RefreshRow>('SELECT * FROM refresh_tokens WHERE token_hash = $1', [
        tokenHash,
      ]);
      return rows[0] && toRefresh(rows[0]);
    },
    async findChild(parentHash) {
      const rows = await db.query<RefreshRow>('SELECT * FROM refresh_tokens WHERE parent_hash = $1', [
        parentHash,
      ]);
      return rows[0] && toRefresh(rows[0]);
    },
  };
}
