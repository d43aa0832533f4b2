import type { AdminAuditEntry, AdminAuditOutcome, AdminAuditRepository } from '../../admin.ports';
import type { Queryable } from '../../../../platform/sql/sql-client';

interface AuditRow {
  id: string;
  at: Date;
  key_id: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  outcome: AdminAuditOutcome;
  details: Record<string, unknown> | string | null;
}

const toEntry = (r: AuditRow): AdminAuditEntry => ({
  id: r.id,
  at: new Date(r.at),
  keyId: r.key_id,
  action: r.action,
  target: r.target,
  requestId: r.request_id,
  outcome: r.outcome,
  details:
    typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : (r.details ?? {}),
});

/** The admin audit log in `admin_audit_log` (migration 11), paged through its (at, id) indexes. */
export function createSqlAdminAuditRepository(db: Queryable): AdminAuditRepository {
  return {
    async record(entry) {
      await db.query(
        `INSERT INTO admin_audit_log (id, at, key_id, action, target, request_id, outcome, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
        [
          entry.id,
          entry.at,
          entry.keyId,
          entry.action,
          entry.target,
          entry.requestId,
          entry.outcome,
          JSON.stringify(entry.details),
        ],
      );
    },
    async list({ limit, before, action }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (action !== undefined) {
        params.push(action);
        where.push(`action = $${params.length}`);
      }
      if (before) {
        params.push(before.at, before.id);
        where.push(`(at, id) < ($${params.length - 1}, $${params.length}::uuid)`);
      }
      params.push(limit);
      const rows = await db.query<AuditRow>(
        `SELECT * FROM admin_audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toEntry);
    },
    async deleteBefore(cutoff) {
      const rows = await db.query('DELETE FROM admin_audit_log WHERE at < $1 RETURNING id', [cutoff]);
      return rows.length;
    },
  };
}
