import { Pool } from 'pg';
import { Queryable, SqlClient, mapSqlError } from './sql-client';

/** A pooled PostgreSQL client with statement and connection timeouts, so a slow database fails fast. */
export function createPostgresClient(options: {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
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

  const run = async <T>(q: { query: Pool['query'] }, text: string, params?: unknown[]): Promise<T[]> => {
    try {
      const result = await q.query(text, params as unknown[]);
      return result.rows as T[];
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
      const tx: Queryable = { query: (text, params) => run(client, text, params) };
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
  };
}
