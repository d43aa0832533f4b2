import type { PoolStats } from '../metrics-backends';
import { ConflictError, UnavailableError } from '../errors/app-error';

/** What a repository needs from a SQL connection: PostgreSQL (`pg`) and PGlite both provide it. */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface SqlClient extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The pool now (PostgreSQL); PGlite is one in-process connection and has none. */
  pool?(): PoolStats;
}

const UNAVAILABLE_CODES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '55P03', '40P01']);

/** Driver errors become domain errors; SQL text and parameters never travel further. */
export function mapSqlError(err: unknown): Error {
  const e = err as { code?: string; message?: string };
  if (e?.code === '23505') return new ConflictError('unique constraint violated', { cause: err });
  if (
    (e?.code && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'].includes(e?.code ?? '') ||
    /timeout|terminat|Connection|not queryable|closed/i.test(e?.message ?? '')
  ) {
    return new UnavailableError('database unavailable', { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
