import { Schema, type SchemaOptions } from 'mongoose';

const requiredString = { type: String, required: true };
const requiredDate = { type: Date, required: true };

/** Devices each user signed in from, `_id` `<userId>:<fingerprint>` (SQL: known_devices); removed with the user. */
export function knownDeviceSchema(options: SchemaOptions): Schema {
  const schema = new Schema(
    { _id: requiredString, userId: requiredString, firstSeenAt: requiredDate, lastSeenAt: requiredDate },
    options,
  );
  schema.index({ userId: 1 });
  schema.index({ lastSeenAt: 1 });
  return schema;
}

/** Used links of the new-sign-in email (SQL: session_link_uses): the unique _id refuses a second use. */
export function sessionLinkSchema(options: SchemaOptions): Schema {
  const schema = new Schema({ _id: requiredString, expiresAt: requiredDate }, options);
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return schema;
}
