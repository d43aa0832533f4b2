import { Pool } from 'pg';
import { UnavailableError } from '../errors/app-error';
import { Queryable, SqlClient, mapSqlError } from './sql-client';

/** A pooled PostgreSQL client with statement and connection timeouts, so a slow database fails fast. */
export function createPostgresClient(options: {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  /** Named prepared statements (default true); off behind a pooler that cannot keep them. */
  preparedStatements?: boolean;
}): SqlClient {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1_000,
    application_name: 'otp-login-api',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const statements = preparedStatements(options.preparedStatements === false ? 0 : 500);
  const run = async <T>(
    q: { query: Pool['query'] },
    text: string,
    params: unknown[] | undefined,
    inTransaction = false,
  ): Promise<T[]> => {
    try {
      const name = params?.length ? statements.nameOf(text) : undefined;
      if (!name) return (await q.query(text, params as unknown[])).rows as T[];
      try {
        return (await q.query({ name, text, values: params as unknown[] })).rows as T[];
      } catch (err) {
        if (!statements.isStale(err)) throw err;
        // A migration changed a table under a `SELECT *` this connection had prepared: the text
        // gets a new name (prepared afresh; the old one dies with its connection). Alone, the
        // statement is retried at once; inside a transaction, which the error has aborted, the
        // call fails as unavailable (503, retryable) and the next attempt uses the new name.
        const renewed = statements.renew(text);
        if (inTransaction) throw new UnavailableError('database unavailable', { cause: err });
        return (await q.query({ name: renewed, text, values: params as unknown[] })).rows as T[];
      }
    } catch (err) {
      throw mapSqlError(err);
    }
  };

  return {
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    async transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
      let client;
      try {
        client = await pool.connect();
      } catch (err) {
        throw mapSqlError(err);
      }
      // pg-pool drops its error listener while a client is checked out: a connection lost between
      // two statements would otherwise be an unhandled 'error' event that kills the process. The
      // next statement fails (mapped to UnavailableError) and the pool discards the broken client.
      const onError = () => undefined;
      client.on('error', onError);
      const tx: Queryable = { query: (text, params) => run(client, text, params, true) };
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onError);
        client.release();
      }
    },
    close: () => pool.end(),
    pool: () => ({
      size: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolMax,
    }),
  };
}

/**
 * Statements with parameters run as named prepared statements: PostgreSQL parses and plans
 * each once per connection instead of on every call (a refresh's CTE took longer to plan than
 * to run). The repositories' statement texts are constants or a few combinations of them; the
 * cap is a guard should a text ever vary without bound, past which statements run unnamed.
 */
function preparedStatements(cap = 500) {
  const names = new Map<string, string>();
  let next = 0;
  /** A name never used before, now `text`'s. */
  const renew = (text: string): string => {
    const name = `otp_${(next++).toString(36)}`;
    names.set(text, name);
    return name;
  };
  return {
    nameOf(text: string): string | undefined {
      const known = names.get(text);
      if (known !== undefined || names.size >= cap) return known;
      return renew(text);
    },
    renew,
    /** "cached plan must not change result type" (0A000) after a migration. */
    isStale: (err: unknown) => (err as { code?: string })?.code === '0A000',
  };
}
