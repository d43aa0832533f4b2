import { deleteKeys, SHARED_REDIS_URL } from './redis-server';
import type { TestApp } from './test-app';

/** Waits (up to about 2 s) until every instance's readiness says `redis: ok`. */
export async function untilRedisReady(...apps: TestApp[]): Promise<void> {
  const ready = async (t: TestApp) => (await t.http.get('/health/ready')).body.checks?.redis === 'ok';
  for (let i = 0; i < 100; i++) {
    const states = await Promise.all(apps.map(ready));
    if (states.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Closes the instances and their database, then deletes the file's keys from the shared Redis. */
export async function closeInstances(
  apps: Array<TestApp | undefined>,
  db: { drop: () => Promise<void> } | undefined,
  prefix: string,
): Promise<void> {
  try {
    for (const t of apps) await t?.close();
    await db?.drop();
  } finally {
    await deleteKeys(SHARED_REDIS_URL, prefix);
  }
}
