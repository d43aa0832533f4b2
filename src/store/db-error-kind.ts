/** The kinds `db_errors_total` counts: a fixed set, whatever the driver says. */
export type DbErrorKind =
  'conflict' | 'connection' | 'timeout' | 'transaction' | 'resources' | 'schema' | 'other';

/** SQLSTATE classes (the first two characters) and the kind each is. */
const SQLSTATE_CLASSES: Record<string, DbErrorKind> = {
  '08': 'connection', // connection exception
  '23': 'conflict', // integrity constraint violation
  '25': 'transaction', // invalid transaction state
  '40': 'transaction', // serialization failure, deadlock
  '42': 'schema', // syntax error or access rule violation (a missing table or column)
  '53': 'resources', // insufficient resources (too many connections, disk full)
  '55': 'resources', // object not in prerequisite state (lock not available)
  '57': 'connection', // operator intervention (admin shutdown, cannot connect now)
};

/** MongoDB server codes: duplicate keys, time limits, write conflicts. */
const MONGO_CODES: Record<number, DbErrorKind> = {
  11000: 'conflict',
  11001: 'conflict',
  12582: 'conflict',
  50: 'timeout',
  262: 'timeout',
  112: 'transaction',
  251: 'transaction',
  290: 'transaction',
};

const CONNECTION_NAMES =
  /^(MongoNetworkError|MongoServerSelectionError|MongooseServerSelectionError|MongoTopologyClosedError|MongoNotConnectedError|MongoPoolClearedError)$/;
const NODE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

function kindOf(e: { code?: unknown; name?: unknown; message?: unknown }): DbErrorKind | undefined {
  const { code, name } = e;
  if (code === '57014' || code === 'ETIMEDOUT') return 'timeout'; // statement timeout
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
    return SQLSTATE_CLASSES[code.slice(0, 2)] ?? 'other';
  if (typeof code === 'string' && NODE_CONNECTION_CODES.has(code)) return 'connection';
  if (typeof code === 'number' && MONGO_CODES[code]) return MONGO_CODES[code];
  if (typeof name === 'string' && CONNECTION_NAMES.test(name)) return 'connection';
  if (name === 'MongoOperationTimeoutError') return 'timeout';
  if (typeof e.message === 'string' && /timeout|timed out/i.test(e.message)) return 'timeout';
  if (typeof e.message === 'string' && /Connection terminated|not queryable|closed/i.test(e.message))
    return 'connection';
  return undefined;
}

/**
 * The kind of a failed storage operation, from the driver's error: the mapped error's cause
 * chain is walked (ConflictError and UnavailableError keep the driver's error as `cause`).
 */
export function dbErrorKind(err: unknown): DbErrorKind {
  let e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    const kind = kindOf(e);
    if (kind) return kind;
    e = e.cause as typeof e;
  }
  if ((err as { name?: unknown })?.name === 'ConflictError') return 'conflict';
  if ((err as { name?: unknown })?.name === 'UnavailableError') return 'connection';
  return 'other';
}
