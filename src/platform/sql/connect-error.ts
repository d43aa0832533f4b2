import type { StorageConfig } from '../config/config.derived';
import { describeStorage } from '../config/describe-storage';

/** The driver's reason, in an operator's words, from its error code or message. */
const REASONS: Array<[RegExp, string]> = [
  [/^ECONNREFUSED$/, 'connection refused (nothing listens on that port)'],
  [/^(ENOTFOUND|EAI_AGAIN)$/, 'unknown host'],
  [/^(28P01|28000)$/, 'authentication failed'],
  [/^3D000$/, 'database missing'],
  [/^(ETIMEDOUT|ECONNRESET)$/, 'timed out or reset'],
  [/SSL|TLS|CERT/i, 'TLS failed'],
  [/timeout|timed out/i, 'timed out'],
];

/**
 * A start-up failure that names the database tried (host and port, never a password) and why:
 * "database unavailable" alone sends an operator guessing.
 */
export function connectError(storage: StorageConfig, err: unknown): Error {
  if (storage.kind === 'pglite') return err instanceof Error ? err : new Error(String(err));
  const driver = rootCause(err);
  const clue = `${driver.code ?? ''} ${driver.message ?? ''}`;
  const reason =
    REASONS.find(([pattern]) => pattern.test(driver.code ?? '') || pattern.test(clue))?.[1] ?? 'failed';
  const url = safeUrl(storage.url);
  const where = url ? `${url.hostname}:${url.port || defaultPort(storage.kind)}` : 'the configured host';
  const detail = [driver.code, driver.message].filter(Boolean).join(': ');
  return new Error(
    `cannot use ${describeStorage(storage)} at ${where}: ${reason}${detail ? ` (${detail})` : ''}`,
    { cause: err },
  );
}

function rootCause(err: unknown): { code?: string; message?: string } {
  let e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  // mapSqlError wraps the driver's error; AggregateError (IPv4 + IPv6) holds the socket errors.
  while (e?.cause && !e.code) e = e.cause as typeof e;
  const errors = (e as { errors?: unknown[] } | undefined)?.errors;
  if (!e?.code && errors?.length) e = errors[0] as typeof e;
  return { code: e?.code === undefined ? undefined : String(e.code), message: e?.message };
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const defaultPort = (kind: 'postgres' | 'mongo') => (kind === 'postgres' ? 5432 : 27017);
