import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initdbDump, migratedDump } from './pglite-environment';
import { probeServices, REQUIRED_UNDER_CI, SERVICE_NAMES } from './services';

/**
 * Probes PostgreSQL, Redis (with the redis-server binary), MongoDB, promtool and Chromium once
 * for the whole run and hands the answer to every test file through TEST_SERVICES_FILE. Under
 * CI a missing PostgreSQL, Redis, promtool or Chromium fails the run here; MongoDB may be missing (its suites are skipped and
 * the teardown says why). Also writes the PGlite initdb dump every in-memory test database
 * starts from, and the same with our migrations applied (TEST_PGLITE_DUMP and
 * TEST_PGLITE_MIGRATED_DUMP, read by tests/setup/pglite-environment.ts).
 */
export default async function globalSetup(): Promise<void> {
  const report = await probeServices();
  const missing = REQUIRED_UNDER_CI.filter((s) => !report[s].available);
  if (process.env.CI && missing.length > 0) {
    throw new Error(
      `required under CI: ${missing.map((s) => `${SERVICE_NAMES[s]}: ${report[s].reason}`).join('; ')}`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'otp-tests-'));
  const file = join(dir, 'services.json');
  writeFileSync(file, JSON.stringify(report));
  process.env.TEST_SERVICES_FILE = file;
  // One initdb for the whole run: every worker (a recycled one too) starts its PGlites from it.
  const dump = join(dir, 'pglite-initdb.tar');
  const initdb = await initdbDump();
  writeFileSync(dump, initdb);
  process.env.TEST_PGLITE_DUMP = dump;
  const migrated = join(dir, 'pglite-migrated.tar');
  writeFileSync(migrated, await migratedDump(initdb));
  process.env.TEST_PGLITE_MIGRATED_DUMP = migrated;
}
