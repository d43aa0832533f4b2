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
 * (tests/helpers/pglite.ts). Every PGlite still gets a database of its own: the dump is only
 * initdb's output, and each store runs its migrations as before.
 *
 * (Handing over the compiled WASM module too does not work: it belongs to this realm, and
 * Emscripten's `instanceof` checks in the test file's realm refuse it. V8 reuses the compiled
 * code for identical bytes within a process anyway.)
 */
export interface PgliteBootBytes {
  fsBundle: Uint8Array;
  dataDir: Uint8Array;
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

/** TEST_PGLITE_DUMP: the dump the globalSetup wrote once for the whole run, if any. */
async function makeBoot(): Promise<PgliteBootBytes> {
  const fsBundle = new Uint8Array(readFileSync(join(pgliteDist(), 'pglite.data')));
  const file = process.env.TEST_PGLITE_DUMP;
  const dataDir = file && existsSync(file) ? new Uint8Array(readFileSync(file)) : await initdbDump();
  return { fsBundle, dataDir };
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
