import { Schema, type SchemaOptions } from 'mongoose';

/** Codes are kept an hour past expiry: the hourly send caps count them (see docs/mongodb.md). */
export const OTP_TTL_SECONDS = 3600;

const requiredString = { type: String, required: true };
const requiredDate = { type: Date, required: true };
const nullableString = { type: String, default: null };

/**
 * Pending and used codes (SQL: otps). `codeHash` and `linkHash` (the SHA-256 of the sign-in
 * link's token) are set together by the mail worker; `lockVersion` is bumped by the locked reads.
 */
export function otpSchema(options: SchemaOptions): Schema {
  const schema = new Schema(
    {
      _id: requiredString,
      email: requiredString,
      emailDomain: requiredString,
      purpose: { type: String, enum: ['login'], required: true },
      codeHash: nullableString,
      linkHash: nullableString,
      attempts: { type: Number, default: 0 },
      requestIp: requiredString,
      createdAt: requiredDate,
      expiresAt: requiredDate,
      consumedAt: { type: Date, default: null },
      lockVersion: { type: Number, default: 0 },
    },
    options,
  );
  schema.index({ email: 1, expiresAt: 1 });
  schema.index({ email: 1, createdAt: -1 });
  schema.index({ requestIp: 1, createdAt: 1 });
  schema.index({ emailDomain: 1, createdAt: 1 });
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: OTP_TTL_SECONDS });
  // Partial: codes without a link (null) are not indexed, and never collide.
  schema.index({ linkHash: 1 }, { unique: true, partialFilterExpression: { linkHash: { $type: 'string' } } });
  return schema;
}
