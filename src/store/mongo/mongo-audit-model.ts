import { Schema, type SchemaOptions } from 'mongoose';

/**
 * The admin audit log (SQL: `admin_audit_log`, migration 11). Newest-first paging, with or
 * without an action filter, each has an index; the retention sweep deletes through `{at: -1}`'s
 * prefix. No TTL index: the retention is a setting (ADMIN_AUDIT_RETENTION_DAYS) the sweep applies.
 */
export function adminAuditSchema(options: SchemaOptions): Schema {
  const nullableString = { type: String, default: null };
  const schema = new Schema(
    {
      _id: { type: String, required: true },
      at: { type: Date, required: true },
      keyId: nullableString,
      action: { type: String, required: true },
      target: nullableString,
      requestId: nullableString,
      outcome: {
        type: String,
        enum: ['success', 'unchanged', 'not_found', 'failed', 'refused', 'unauthorized'],
        required: true,
      },
      details: { type: Schema.Types.Mixed, default: {} },
    },
    options,
  );
  schema.index({ at: -1, _id: -1 });
  schema.index({ action: 1, at: -1, _id: -1 });
  return schema;
}
