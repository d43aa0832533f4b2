import type { Migration } from '../migrations';

/**
 * 11: the admin audit log (docs/admin.md, "Audit log"). Additive: a new table and its indexes.
 * Paging is newest first, with or without an action filter, so both orders have an index;
 * the retention sweep deletes by `at` through the first.
 */
export const adminAuditMigrations: Migration[] = [
  {
    id: 11,
    name: 'admin_audit_log',
    sql: `
CREATE TABLE IF NOT EXISTS admin_audit_log (
  id uuid PRIMARY KEY,
  at timestamptz NOT NULL,
  key_id text,
  action text NOT NULL,
  target text,
  request_id text,
  outcome text NOT NULL
    CHECK (outcome IN ('success', 'unchanged', 'not_found', 'failed', 'refused', 'unauthorized')),
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS admin_audit_log_at_idx ON admin_audit_log (at DESC, id DESC);
CREATE INDEX IF NOT EXISTS admin_audit_log_action_at_idx ON admin_audit_log (action, at DESC, id DESC);
`,
  },
];
