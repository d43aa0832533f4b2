/** The admin module's ports: the audit log of admin actions kept in the database. */

/** How an audited admin action ended. */
export type AdminAuditOutcome = 'success' | 'unchanged' | 'not_found' | 'failed' | 'refused' | 'unauthorized';

/**
 * One admin action (or refused admin request). `keyId` is the key's fingerprint (never the key);
 * `target` is a user id, an IP rule id or an email's keyed hash, never an address; `details`
 * holds only small, non-secret facts (a count, a CIDR, an error code).
 */
export interface AdminAuditEntry {
  id: string;
  at: Date;
  keyId: string | null;
  action: string;
  target: string | null;
  requestId: string | null;
  outcome: AdminAuditOutcome;
  details: Record<string, unknown>;
}

export interface AdminAuditRepository {
  record(entry: AdminAuditEntry): Promise<void>;
  /** Newest first (`at`, then `id`, both descending), strictly after `before`; only `action` when given. */
  list(options: {
    limit: number;
    before?: { at: Date; id: string };
    action?: string;
  }): Promise<AdminAuditEntry[]>;
  /** Deletes entries older than `cutoff` (the retention sweep); returns how many. */
  deleteBefore(cutoff: Date): Promise<number>;
}
