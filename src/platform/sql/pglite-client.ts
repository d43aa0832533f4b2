import { mkdirSync } from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { Queryable, SqlClient, mapSqlError } from './sql-client';

/**
 * What lets PGlite start without running initdb again: its file bundle and an initialised
 * data directory to copy (the tests start over a hundred in-memory databases).
 */
export type PgliteBoot = Pick<PGliteOptions, 'fsBundle' | 'loadDataDir'>;

/**
 * Embedded PostgreSQL (WASM, in-process). One connection: PGlite runs one transaction at
 * a time, which also makes every read-modify-write below atomic. `dataDir` undefined keeps
 * the database in memory (tests).
 */
export async function createPgliteClient(dataDir?: string, boot: PgliteBoot = {}): Promise<SqlClient> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite({ ...boot, dataDir });
  await db.waitReady;
  const run = async <T>(q: Pick<PGlite, 'query'>, text: string, params?: unknown[]): Promise<T[]> => {
    try {
      const result = await q.query<T>(text, params);
      return result.rows;
    } catch (err) {
      throw mapSqlError(err);
    }
  };
  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => work({ query: (text, params) => run(tx, text, params) }));
    },
    close: () => db.close(),
  };
}
