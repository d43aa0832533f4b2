import mongoose, { Schema, type Connection, type Model, type SchemaOptions } from 'mongoose';
import { adminAuditSchema } from './mongo-audit-model';
import { knownDeviceSchema, sessionLinkSchema } from './mongo-device-models';
import { recoveryCodesSchema, totpFactorsSchema } from './mongo-mfa-models';
import { otpSchema } from './mongo-otp-models';

export { OTP_TTL_SECONDS } from './mongo-otp-models';

/**
 * The MongoDB data model: one collection per SQL table (src/store/sql/migrations.ts),
 * plus `otplocks` for the per-email lock SQL takes with an advisory lock. Every index is
 * declared here and nowhere else: `migrate()` (outside production) and
 * `npm run db:indexes` (at deploy time) create exactly these; tests/integration/mongo/schema.test.ts
 * holds them to the table of docs/mongodb.md and query-indexes.test.ts to the filters the
 * repositories build.
 */

/** Failures count towards hourly budgets only. */
export const AUTH_FAILURE_TTL_SECONDS = 3600;
/** A lock document matters only while a transaction holds it. */
export const OTP_LOCK_TTL_SECONDS = 3600;

const ip = { type: String, default: null };
const nullableDate = { type: Date, default: null };
const nullableString = { type: String, default: null };
const requiredString = { type: String, required: true };
const requiredDate = { type: Date, required: true };
/** Bumped by the locked reads: a write makes a concurrent transaction's write conflict. */
const lockVersion = { type: Number, default: 0 };

function options(collection: string): SchemaOptions {
  // strict/strictQuery 'throw': a misspelt path in a filter or update is an error, not a no-op.
  return { collection, versionKey: false, strict: 'throw', strictQuery: 'throw', id: false };
}

const users = new Schema(
  {
    _id: requiredString,
    email: requiredString,
    createdAt: requiredDate,
    lastLoginAt: nullableDate,
  },
  options('users'),
);
users.index({ email: 1 }, { unique: true });
users.index({ createdAt: 1, _id: 1 });

const otpLocks = new Schema(
  {
    // A SHA-256 of the email: the lock needs identity, not the address.
    _id: requiredString,
    lockedAt: requiredDate,
    /** When the email's owner was last told of guessing (at most once an hour). */
    guessNoticeAt: nullableDate,
    lockVersion,
  },
  options('otplocks'),
);
otpLocks.index({ lockedAt: 1 }, { expireAfterSeconds: OTP_LOCK_TTL_SECONDS });

const authFailures = new Schema(
  // email null: a guess at an address with no live code, which spends only the IP's budget.
  { email: nullableString, ip: requiredString, createdAt: requiredDate },
  options('authfailures'),
);
authFailures.index({ email: 1, createdAt: 1 });
authFailures.index({ ip: 1, createdAt: 1 });
authFailures.index({ createdAt: 1 }, { expireAfterSeconds: AUTH_FAILURE_TTL_SECONDS });

const sessions = new Schema(
  {
    sessionId: requiredString,
    userId: requiredString,
    ip,
    userAgent: nullableString,
    deviceFingerprint: nullableString,
    createdAt: requiredDate,
    lastUsedAt: requiredDate,
    expiresAt: requiredDate,
    absoluteExpiresAt: requiredDate,
    revokedAt: nullableDate,
    revokedReason: nullableString,
    aal: { type: String, enum: ['aal1', 'aal2'], default: 'aal1' },
    authenticatedAt: nullableDate,
    lockVersion,
  },
  options('sessions'),
);
sessions.index({ sessionId: 1 }, { unique: true });
sessions.index({ userId: 1, createdAt: -1, sessionId: -1 });
sessions.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const refreshTokens = new Schema(
  {
    tokenHash: requiredString,
    sessionId: requiredString,
    parentHash: nullableString,
    createdAt: requiredDate,
    rotatedAt: nullableDate,
    /** The session's absolute expiry (+1 day): past it the token can never be used again. */
    purgeAt: requiredDate,
    lockVersion,
  },
  options('refreshtokens'),
);
refreshTokens.index({ tokenHash: 1 }, { unique: true });
// One child per parent, so racing rotations can never fork the chain. Partial, because a
// unique index counts null as a value and every chain's first token has no parent.
refreshTokens.index(
  { parentHash: 1 },
  { unique: true, partialFilterExpression: { parentHash: { $type: 'string' } } },
);
refreshTokens.index({ sessionId: 1 });
refreshTokens.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });

const suppressions = new Schema(
  {
    email: requiredString,
    reason: {
      type: String,
      enum: ['bounce', 'dropped', 'spamreport', 'complaint', 'manual'],
      required: true,
    },
    source: requiredString,
    createdAt: requiredDate,
  },
  options('emailsuppressions'),
);
suppressions.index({ email: 1 }, { unique: true });
suppressions.index({ createdAt: -1, email: -1 });

const emailMessages = new Schema(
  {
    _id: requiredString,
    otpId: nullableString,
    email: requiredString,
    provider: requiredString,
    providerMessageId: nullableString,
    status: {
      type: String,
      enum: ['queued', 'sent', 'delivered', 'deferred', 'bounced', 'dropped', 'opened', 'failed'],
      required: true,
    },
    createdAt: requiredDate,
    updatedAt: requiredDate,
  },
  options('emailmessages'),
);
emailMessages.index({ provider: 1, providerMessageId: 1, createdAt: -1 });
emailMessages.index({ email: 1, createdAt: -1, _id: -1 });
emailMessages.index({ createdAt: 1 });

const emailEvents = new Schema(
  {
    provider: requiredString,
    providerEventId: requiredString,
    messageId: nullableString,
    type: requiredString,
    occurredAt: requiredDate,
  },
  options('emailevents'),
);
// A provider's retry of one webhook event is a no-op, on every instance.
emailEvents.index({ provider: 1, providerEventId: 1 }, { unique: true });
emailEvents.index({ messageId: 1, occurredAt: 1, _id: 1 });
emailEvents.index({ occurredAt: 1 });

// Single-use webhook tokens (Mailgun's): the unique _id refuses a replay on every instance.
const webhookTokens = new Schema({ _id: requiredString, expiresAt: requiredDate }, options('webhooktokens'));
webhookTokens.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const ipRules = new Schema(
  {
    _id: requiredString,
    cidr: requiredString,
    action: { type: String, enum: ['allow', 'deny'], required: true },
    note: nullableString,
    createdAt: requiredDate,
  },
  options('iprules'),
);
ipRules.index({ cidr: 1, action: 1 }, { unique: true });
ipRules.index({ createdAt: 1, _id: 1 });

export const schemas = {
  users,
  otps: otpSchema(options('otps')),
  otpLocks,
  authFailures,
  sessions,
  refreshTokens,
  suppressions,
  emailMessages,
  emailEvents,
  webhookTokens,
  knownDevices: knownDeviceSchema(options('knowndevices')),
  sessionLinks: sessionLinkSchema(options('sessionlinks')),
  ipRules,
  adminAudit: adminAuditSchema(options('adminauditlog')),
  totpFactors: totpFactorsSchema(options('totpfactors')),
  recoveryCodes: recoveryCodesSchema(options('recoverycodes')),
} as const;

export type CollectionKey = keyof typeof schemas;
export type AnyModel = Model<Record<string, unknown>>;
export type MongoModels = Record<CollectionKey, AnyModel>;

/**
 * Process-wide mongoose settings. sanitizeFilter: an object with `$` keys inside a filter is
 * wrapped in `$eq`, so an operator smuggled in a value cannot reach the server (our own
 * operators are marked with `mongoose.trusted`). strictQuery: unknown paths never reach a
 * filter (each schema also says 'throw').
 */
export function configureMongoose(): void {
  mongoose.set('sanitizeFilter', true);
  mongoose.set('strictQuery', true);
}

/** Registers every model on a connection (an unopened one is fine: tests read the schemas). */
export function createModels(connection: Connection): MongoModels {
  configureMongoose();
  const models = {} as Record<CollectionKey, AnyModel>;
  for (const [key, schema] of Object.entries(schemas) as Array<[CollectionKey, Schema]>) {
    const name = key[0].toUpperCase() + key.slice(1);
    models[key] =
      (connection.models[name] as AnyModel | undefined) ?? (connection.model(name, schema) as AnyModel);
  }
  return models;
}
