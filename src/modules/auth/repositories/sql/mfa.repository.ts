import type { MfaRepository, TotpFactor } from '../../mfa.ports';
import type { Queryable } from '../../../../platform/sql/sql-client';

interface FactorRow {
  id: string;
  user_id: string;
  secret_encrypted: string;
  status: 'unconfirmed' | 'active';
  last_used_step: string | number | null;
  created_at: Date;
  confirmed_at: Date | null;
}

const toFactor = (r: FactorRow): TotpFactor => ({
  id: r.id,
  userId: r.user_id,
  secretEncrypted: r.secret_encrypted,
  status: r.status,
  lastUsedStep: r.last_used_step === null ? null : Number(r.last_used_step),
  createdAt: new Date(r.created_at),
  confirmedAt: r.confirmed_at ? new Date(r.confirmed_at) : null,
});

/** totp_factors and recovery_codes (migration 9); each rule is one conditional statement. */
export function createSqlMfaRepository(db: Queryable): MfaRepository {
  return {
    async findFactor(userId) {
      const rows = await db.query<FactorRow>('SELECT * FROM totp_factors WHERE user_id = $1', [userId]);
      return rows[0] && toFactor(rows[0]);
    },
    async enrol(f) {
      // One row per user: an unconfirmed factor is replaced, an active one is kept.
      const rows = await db.query<FactorRow>(
        `INSERT INTO totp_factors (id, user_id, secret_encrypted, status, created_at)
         VALUES ($1, $2, $3, 'unconfirmed', $4)
         ON CONFLICT (user_id) DO UPDATE SET id = EXCLUDED.id, secret_encrypted = EXCLUDED.secret_encrypted,
           created_at = EXCLUDED.created_at, last_used_step = NULL
         WHERE totp_factors.status = 'unconfirmed'
         RETURNING *`,
        [f.id, f.userId, f.secretEncrypted, f.createdAt],
      );
      return rows[0] && toFactor(rows[0]);
    },
    async useStep(factorId, step, { activateAt, secretEncrypted }) {
      const rows = await db.query(
        `UPDATE totp_factors SET last_used_step = $2,
           status = CASE WHEN $3::timestamptz IS NULL THEN status ELSE 'active' END,
           confirmed_at = COALESCE(confirmed_at, $3::timestamptz),
           secret_encrypted = COALESCE($4::text, secret_encrypted)
         WHERE id = $1 AND (last_used_step IS NULL OR last_used_step < $2)
           AND (status = 'active' OR $3::timestamptz IS NOT NULL)
         RETURNING id`,
        [factorId, step, activateAt ?? null, secretEncrypted ?? null],
      );
      return rows.length > 0;
    },
    async deleteFactor(userId) {
      const rows = await db.query('DELETE FROM totp_factors WHERE user_id = $1 RETURNING id', [userId]);
      await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
      return rows.length > 0;
    },
    async replaceRecoveryCodes(userId, hashes, now) {
      await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
      await db.query(
        `INSERT INTO recovery_codes (user_id, code_hash, created_at)
         SELECT $1, h, $3 FROM unnest($2::text[]) AS h`,
        [userId, hashes, now],
      );
    },
    async useRecoveryCode(userId, hash, now) {
      const rows = await db.query(
        `UPDATE recovery_codes SET used_at = $3
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING code_hash`,
        [userId, hash, now],
      );
      return rows.length > 0;
    },
    async countUnusedRecoveryCodes(userId) {
      const rows = await db.query<{ n: string | number }>(
        'SELECT count(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL',
        [userId],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async elevateSession(sessionId, aal, at) {
      const rows = await db.query(
        `UPDATE sessions SET aal = CASE WHEN aal = 'aal2' THEN aal ELSE $2 END, authenticated_at = $3
         WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [sessionId, aal, at],
      );
      return rows.length > 0;
    },
    async consumeCode(otpId, now) {
      const rows = await db.query(
        'UPDATE otps SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL RETURNING id',
        [otpId, now],
      );
      return rows.length > 0;
    },
  };
}
