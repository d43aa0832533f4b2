import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import NodeEnvironment from 'jest-environment-node';

/**
 * jest's node environment, plus one thing each worker keeps across test files: a dump of a
 * freshly initialised PGlite data directory. A new in-memory PGlite runs initdb, seconds of CPU
 * each time, and the suite starts over a hundred of them. This module is loaded once per
 * worker (outside the test files' module registries); it reads the dump the globalSetup made
 * once for the run (or runs initdb itself) and hands it, with PGlite's file bundle, to every
 * test file as `globalThis.__pgliteBoot()`
 * (tests/helpers/pglite.ts). Every PGlite still gets a database of its own. Most start from a
 * dump with the migrations already applied (their store's `migrate()` then finds nothing to
 * do); the contract suites start from initdb's output and apply every migration themselves.
 *
 * (Handing over the compiled WASM module too does not work: it belongs to this realm, and
 * Emscripten's `instanceof` checks in the test file's realm refuse it. V8 reuses the compiled
 * code for identical bytes within a process anyway.)
 */
export interface PgliteBootBytes {
  fsBundle: Uint8Array;
  /** initdb's output: a database with no tables (the contract suites migrate it themselves). */
  dataDir: Uint8Array;
  /** The same with every migration applied, when the globalSetup made it; else `dataDir`. */
  migratedDir: Uint8Array;
}

let boot: Promise<PgliteBootBytes> | undefined;

const pgliteDist = () => dirname(require.resolve('@electric-sql/pglite'));

/** initdb's output, as a tarball PGlite's `loadDataDir` takes. */
export async function initdbDump(): Promise<Uint8Array> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite({ fsBundle: new Blob([readFileSync(join(pgliteDist(), 'pglite.data'))]) });
  await db.waitReady;
  const dump = await db.dumpDataDir('none');
  await db.close();
  return new Uint8Array(await dump.arrayBuffer());
}

/** initdb's output with every migration applied (src/store/sql/migrations.ts). */
export async function migratedDump(initdb: Uint8Array): Promise<Uint8Array> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { migrateSql } = await import('../../src/store/sql/sql-store');
  const db = new PGlite({
    fsBundle: new Blob([readFileSync(join(pgliteDist(), 'pglite.data'))]),
    loadDataDir: new Blob([initdb]),
  });
  await db.waitReady;
  const rows = async <T>(q: Pick<typeof db, 'query'>, text: string, params?: unknown[]) =>
    (await q.query<T>(text, params)).rows;
  await migrateSql({
    kind: 'pglite',
    query: (text, params) => rows(db, text, params),
    transaction: (work) => db.transaction((tx) => work({ query: (text, params) => rows(tx, text, params) })),
    close: () => db.close(),
  });
  const dump = await db.dumpDataDir('none');
  await db.close();
  return new Uint8Array(await dump.arrayBuffer());
}

const readDump = (file: string | undefined): Uint8Array | undefined =>
  file && existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;

/**
 * TEST_PGLITE_DUMP and TEST_PGLITE_MIGRATED_DUMP: the dumps the globalSetup wrote once for the
 * whole run, if any. Without the migrated one, stores start from initdb's output and migrate.
 */
async function makeBoot(): Promise<PgliteBootBytes> {
  const fsBundle = new Uint8Array(readFileSync(join(pgliteDist(), 'pglite.data')));
  const dataDir = readDump(process.env.TEST_PGLITE_DUMP) ?? (await initdbDump());
  const migratedDir = readDump(process.env.TEST_PGLITE_MIGRATED_DUMP) ?? dataDir;
  return { fsBundle, dataDir, migratedDir };
}

const getBoot = (): Promise<PgliteBootBytes> => {
  boot ??= makeBoot().catch((err: unknown) => {
    boot = undefined;
    throw err;
  });
  return boot;
};

export default class PgliteEnvironment extends NodeEnvironment {
  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    this.global.__pgliteBoot = getBoot;
  }

  /** Made before the first test file of the worker runs, outside any test's timeout. */
  override async setup(): Promise<void> {
    await super.setup();
    await getBoot();
  }
}
