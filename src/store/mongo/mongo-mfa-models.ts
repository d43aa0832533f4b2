import { Schema, type SchemaOptions } from 'mongoose';

/** One TOTP factor per user, `_id` = the user id (SQL: `totp_factors`, migration 9, unique user_id). */
export function totpFactorsSchema(options: SchemaOptions): Schema {
  const schema = new Schema(
    {
      _id: { type: String, required: true },
      factorId: { type: String, required: true },
      secretEncrypted: { type: String, required: true },
      status: { type: String, enum: ['unconfirmed', 'active'], required: true },
      lastUsedStep: { type: Number, default: null },
      createdAt: { type: Date, required: true },
      confirmedAt: { type: Date, default: null },
    },
    options,
  );
  schema.index({ factorId: 1 }, { unique: true });
  return schema;
}

/** Recovery code hashes by `${userId}:${hash}` (SQL: `recovery_codes`); listed and deleted by user. */
export function recoveryCodesSchema(options: SchemaOptions): Schema {
  const schema = new Schema(
    {
      _id: { type: String, required: true },
      userId: { type: String, required: true },
      createdAt: { type: Date, required: true },
      usedAt: { type: Date, default: null },
    },
    options,
  );
  schema.index({ userId: 1 });
  return schema;
}
