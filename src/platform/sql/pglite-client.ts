import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { lockFolder } from './folder-lock';
import { Queryable, SqlClient, mapSqlError } from './sql-client';

/** The file that marks `dataDir` as open by one process (see lockFolder). */
export const lockFileOf = (dataDir: string): string => `${resolve(dataDir)}.lock`;

/**
 * What lets PGlite start without running initdb again: its file bundle and an initialised
 * data directory to copy (the tests start over a hundred in-memory databases).
 */
export type PgliteBoot = Pick<PGliteOptions, 'fsBundle' | 'loadDataDir'>;

/**
 * Embedded PostgreSQL (WASM, in-process). One connection: PGlite runs one transaction at
 * a time, which also makes every read-modify-write below atomic. `dataDir` undefined keeps
 * the database in memory (tests). A folder is opened by one process at a time: two would
 * each keep their own copy in memory and silently disagree.
 */
export async function createPgliteClient(dataDir?: string, boot: PgliteBoot = {}): Promise<SqlClient> {
  let release = () => undefined as void;
  if (dataDir) {
    mkdirSync(dirname(resolve(dataDir)), { recursive: true });
    release = lockFolder(resolve(dataDir), lockFileOf(dataDir));
    mkdirSync(dataDir, { recursive: true });
  }
  const db = new PGlite({ ...boot, dataDir });
  try {
    await db.waitReady;
  } catch (err) {
    release();
    throw err;
  }
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
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}
