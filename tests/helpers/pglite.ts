import { createPgliteClient, type PgliteBoot } from '../../src/platform/sql/pglite-client';
import type { SqlClient } from '../../src/platform/sql/sql-client';
import type { PgliteBootBytes } from '../setup/pglite-environment';

/**
 * What a test's PGlite starts from: a copy of a freshly initialised data directory kept by the
 * worker (tests/setup/pglite-environment.ts), so it skips initdb. Outside that environment,
 * PGlite starts cold.
 */
export async function pgliteBoot(from: 'migrated' | 'initdb' = 'migrated'): Promise<PgliteBoot> {
  const get = (globalThis as { __pgliteBoot?: () => Promise<PgliteBootBytes> }).__pgliteBoot;
  if (!get) return {};
  const { fsBundle, dataDir, migratedDir } = await get();
  return {
    fsBundle: new Blob([fsBundle]),
    loadDataDir: new Blob([from === 'migrated' ? migratedDir : dataDir]),
  };
}

/**
 * An in-memory PGlite database of its own, started from the worker's boot files: by default
 * with our migrations already applied (a store's `migrate()` finds nothing to do); `'initdb'`
 * starts it empty, for the suites that apply every migration themselves.
 */
export async function createTestPglite(from: 'migrated' | 'initdb' = 'migrated'): Promise<SqlClient> {
  return createPgliteClient(undefined, await pgliteBoot(from));
}
