import { v4 as uuidv4 } from 'uuid';
import type { AuthFailureRepository, OtpRecord, OtpRepository } from '../../auth.ports';
import type { Queryable } from '../../../../platform/sql/sql-client';

interface OtpRow {
  id: string;
  email: string;
  code_hash: string | null;
  attempts: number;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

const toOtp = (r: OtpRow): OtpRecord => ({
  id: r.id,
  email: r.email,
  codeHash: r.code_hash,
  attempts: r.attempts,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  consumedAt: r.consumed_at ? new Date(r.consumed_at) : null,
});

/** Builds `col = $n AND …` from the set filters; column names are fixed here, never from input. */
function where(filter: Record<string, string | undefined>, columns: Record<string, string>, first: number) {
  const clauses: string[] = [];
  const params: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    params.push(value);
    clauses.push(`${columns[key]} = $${first + params.length - 1}`);
  }
  if (clauses.length === 0) throw new Error('a filter is required');
  return { sql: clauses.join(' AND '), params };
}

export function createSqlOtpRepository(db: Queryable): OtpRepository {
  const columns = { email: 'email', requestIp: 'request_ip', emailDomain: 'email_domain' };
  return {
    async create(otp) {
      const id = uuidv4();
      await db.query(
        `INSERT INTO otps (id, email, email_domain, purpose, request_ip, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, otp.email, otp.emailDomain, otp.purpose, otp.requestIp, otp.createdAt, otp.expiresAt],
      );
      return id;
    },
    async setCodeHash(id, codeHash, now, linkHash = null) {
      const rows = await db.query(
        `UPDATE otps SET code_hash = $2, link_hash = $4
          WHERE id = $1 AND consumed_at IS NULL AND expires_at > $3 RETURNING id`,
        [id, codeHash, now, linkHash],
      );
      return rows.length > 0;
    },
    async findByLinkHash(linkHash, now) {
      const rows = await db.query<{ id: string; email: string }>(
        `SELECT id, email FROM otps
          WHERE link_hash = $1 AND consumed_at IS NULL AND expires_at > $2 AND code_hash IS NOT NULL`,
        [linkHash, now],
      );
      return rows[0] ? { id: rows[0].id, email: rows[0].email } : undefined;
    },
    async latestCreatedAt(email) {
      const rows = await db.query<{ created_at: Date }>(
        'SELECT created_at FROM otps WHERE email = $1 ORDER BY created_at DESC LIMIT 1',
        [email],
      );
      return rows[0] ? new Date(rows[0].created_at) : undefined;
    },
    async countCreatedSince(by, since) {
      const w = where(by, columns, 2);
      const rows = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM otps WHERE ${w.sql} AND created_at > $1`,
        [since, ...w.params],
      );
      return rows[0].n;
    },
    async listNewest(email, limit) {
      const rows = await db.query<OtpRow>(
        'SELECT * FROM otps WHERE email = $1 ORDER BY created_at DESC LIMIT $2',
        [email, limit],
      );
      return rows.map(toOtp);
    },
    async deleteStale(before) {
      const rows = await db.query('DELETE FROM otps WHERE expires_at < $1 AND created_at < $1 RETURNING id', [
        before,
      ]);
      return rows.length;
    },
  };
}

export function createSqlAuthFailureRepository(db: Queryable): AuthFailureRepository {
  const columns = { email: 'email', ip: 'ip' };
  return {
    async record({ email, ip, at }) {
      await db.query('INSERT INTO auth_failures (email, ip, created_at) VALUES ($1, $2, $3)', [
        email,
        ip,
        at,
      ]);
    },
    async countSince(by, since) {
      const w = where(by, columns, 2);
      const rows = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM auth_failures WHERE ${w.sql} AND created_at > $1`,
        [since, ...w.params],
      );
      return rows[0].n;
    },
    async deleteBefore(before) {
      const rows = await db.query('DELETE FROM auth_failures WHERE created_at < $1 RETURNING id', [before]);
      // A notice mark older than the hour no longer holds a notice back.
      await db.query('DELETE FROM guess_notices WHERE sent_at < $1', [before]);
      return rows.length;
    },
  };
}
