import type { AdminAuditEntry, AdminAuditOutcome, AdminAuditRepository } from '../../admin.ports';
import { op, type Filter, type MongoOps } from '../../../../platform/mongo/mongo-ops';

interface AuditDoc {
  _id: string;
  at: Date;
  keyId: string | null;
  action: string;
  target: string | null;
  requestId: string | null;
  outcome: AdminAuditOutcome;
  details?: Record<string, unknown> | null;
}

const toEntry = (d: AuditDoc): AdminAuditEntry => ({
  id: d._id,
  at: d.at,
  keyId: d.keyId ?? null,
  action: d.action,
  target: d.target ?? null,
  requestId: d.requestId ?? null,
  outcome: d.outcome,
  details: d.details ?? {},
});

/** The admin audit log in the `adminauditlog` collection, paged through its (at, _id) indexes. */
export function createMongoAdminAuditRepository(ops: MongoOps): AdminAuditRepository {
  return {
    async record(entry) {
      await ops.insertOne('adminAudit', {
        _id: entry.id,
        at: entry.at,
        keyId: entry.keyId,
        action: entry.action,
        target: entry.target,
        requestId: entry.requestId,
        outcome: entry.outcome,
        details: entry.details,
      });
    },
    async list({ limit, before, action }) {
      const filter: Filter = action !== undefined ? { action } : {};
      if (before) {
        filter.$or = [{ at: op({ $lt: before.at }) }, { at: before.at, _id: op({ $lt: before.id }) }];
      }
      const docs = await ops.find<AuditDoc>('adminAudit', filter, { sort: { at: -1, _id: -1 }, limit });
      return docs.map(toEntry);
    },
    async deleteBefore(cutoff) {
      return ops.deleteMany('adminAudit', { at: op({ $lt: cutoff }) });
    },
  };
}
