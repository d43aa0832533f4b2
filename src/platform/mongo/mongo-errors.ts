import mongoose from 'mongoose';
import { ConflictError, UnavailableError } from '../errors/app-error';

const { MongoError, MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError } = mongoose.mongo;

/** Duplicate key, as the server and the bulk/upsert paths report it. */
const DUPLICATE_KEY_CODES = new Set([11000, 11001, 12582]);

/**
 * Server codes that mean "cannot answer now", not "your request is wrong": host unreachable or
 * not found, lock timeout, maxTimeMS expired, network timeout, shutdown in progress, primary
 * stepped down, no such transaction, time limit exceeded, socket exception, not writable
 * primary, interrupted at shutdown or by a replica-set state change, not primary or secondary,
 * transaction lifetime exceeded, and a write conflict that outlived the transaction's retries.
 */
const UNAVAILABLE_CODES = new Set([
  6, 7, 24, 50, 89, 91, 112, 189, 251, 262, 290, 9001, 10107, 11600, 11602, 13435, 13436,
]);

/** Driver and mongoose error names for a server that cannot be reached or a pool that is gone. */
const UNAVAILABLE_NAMES = new Set([
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
  'MongoServerClosedError',
  'MongoClientClosedError',
  'MongoExpiredSessionError',
]);

const RETRY_LABELS = ['TransientTransactionError', 'RetryableWriteError', 'ResetPool'];

/** mongoose's words for a connection that is not (yet, or any more) open. */
const NOT_CONNECTED =
  /buffering timed out|before initial connection|Connection was force closed|Client must be connected/;

function errorCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; writeErrors?: Array<{ code?: unknown }> } | null;
  if (typeof e?.code === 'number') return e.code;
  const first = Array.isArray(e?.writeErrors) ? e.writeErrors[0]?.code : undefined;
  return typeof first === 'number' ? first : undefined;
}

export function isDuplicateKeyError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && DUPLICATE_KEY_CODES.has(code);
}

/**
 * True for an error the driver's `withTransaction` retries by rerunning the whole unit of work
 * (a write conflict with a concurrent transaction, a primary change). Inside a transaction such
 * errors must reach the driver untouched: mapping them would turn a retry into a 503.
 */
export function isTransientTransactionError(err: unknown): boolean {
  return (
    err instanceof MongoError &&
    (err.hasErrorLabel('TransientTransactionError') || err.hasErrorLabel('UnknownTransactionCommitResult'))
  );
}

/**
 * Driver errors become domain errors (a duplicate key → ConflictError; an unreachable, stepping
 * down or timed-out server → UnavailableError, so the API answers 503, never 500). The message
 * never carries the driver's text (it can quote key values, which are emails); the driver error
 * stays as `cause` for the log. Anything else passes through unchanged.
 */
export function mapMongoError(err: unknown): Error {
  if (err instanceof ConflictError || err instanceof UnavailableError) return err;
  if (isDuplicateKeyError(err)) return new ConflictError('unique index violated', { cause: err });
  const name = (err as { name?: unknown } | null)?.name;
  const message = (err as { message?: unknown } | null)?.message;
  const unavailable =
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (err instanceof MongoError &&
      (UNAVAILABLE_CODES.has(errorCode(err) ?? -1) || RETRY_LABELS.some((l) => err.hasErrorLabel(l)))) ||
    (typeof message === 'string' && NOT_CONNECTED.test(message));
  if (unavailable) return new UnavailableError('database unavailable', { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}
