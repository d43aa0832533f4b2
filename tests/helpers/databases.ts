import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the PostgreSQL server for tests lives (CI's workflow sets TEST_DATABASE_URL). */
export const POSTGRES_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

let available: boolean | undefined;

/**
 * Whether the PostgreSQL server answers. Under CI it must: a missing server fails the run
 * instead of silently skipping; on a developer machine the suites say loudly that they skipped.
 */
export async function postgresAvailable(): Promise<boolean> {
  if (available !== undefined) return available;
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    available = true;
  } catch (err) {
    if (process.env.CI) throw new Error(`PostgreSQL is required under CI but did not answer: ${String(err)}`);
    console.warn(
      `\n*** PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: PostgreSQL suites are SKIPPED ***\n`,
    );
    available = false;
  } finally {
    await client.end().catch(() => undefined);
  }
  return available;
}

/** A fresh database on the server for one test file; drop() removes it. */
export async function createTempDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `otp_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
