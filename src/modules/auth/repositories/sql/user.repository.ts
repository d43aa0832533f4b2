import { v4 as uuidv4 } from 'uuid';
import type { User, UserRepository } from '../../auth.ports';
import { ConflictError } from '../../../../platform/errors/app-error';
import type { Queryable } from '../../../../platform/sql/sql-client';

export interface UserRow {
  id: string;
  email: string;
  created_at: Date;
  last_login_at: Date | null;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  createdAt: new Date(r.created_at),
  lastLoginAt: r.last_login_at ? new Date(r.last_login_at) : null,
});

export function createSqlUserRepository(db: Queryable): UserRepository {
  return {
    async findById(id) {
      const rows = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    },
    async findByEmail(email) {
      const rows = await db.query<UserRow>('SELECT * FROM users WHERE email = $1', [email]);
      return rows[0] && toUser(rows[0]);
    },
    async upsertOnLogin(email, now) {
      // ON CONFLICT makes a racing first login a re-read instead of a unique-violation 500.
      const rows = await db.query<UserRow>(
        `INSERT INTO users (id, email, created_at, last_login_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (email) DO UPDATE SET last_login_at = EXCLUDED.last_login_at
         RETURNING *`,
        [uuidv4(), email, now],
      );
      return toUser(rows[0]);
    },
    async list({ limit, after }) {
      const rows = after
        ? await db.query<UserRow>(
            'SELECT * FROM users WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3',
            [after.createdAt, after.id, limit],
          )
        : await db.query<UserRow>('SELECT * FROM users ORDER BY created_at, id LIMIT $1', [limit]);
      return rows.map(toUser);
    },
    async delete(id) {
      // One statement, so one snapshot: the user's rows cascade (sessions, refresh tokens,
      // devices, factors, recovery codes); what is keyed by the address goes with it.
      const rows = await db.query<{ id: string }>(
        `WITH gone AS (DELETE FROM users WHERE id = $1 RETURNING id, email),
              codes AS (DELETE FROM otps WHERE email IN (SELECT email FROM gone)),
              failures AS (DELETE FROM auth_failures WHERE email IN (SELECT email FROM gone)),
              notices AS (DELETE FROM guess_notices WHERE email IN (SELECT email FROM gone))
         SELECT id FROM gone`,
        [id],
      );
      return rows.length > 0;
    },
    async changeEmail(id, email) {
      try {
        const rows = await db.query('UPDATE users SET email = $2 WHERE id = $1 RETURNING id', [id, email]);
        return rows.length > 0 ? 'changed' : 'not_found';
      } catch (err) {
        if (err instanceof ConflictError) return 'taken';
        throw err;
      }
    },
    async count() {
      const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      return rows[0].n;
    },
  };
}
