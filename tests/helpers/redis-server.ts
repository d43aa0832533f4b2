import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

// Free of jest, so scripts/bench.ts can start one too.
export { freePort, sleep, startPrivateRedis, waitFor, type PrivateRedis } from './private-redis';

/** The shared Redis of this machine (CI's workflow may point elsewhere). */
export { SHARED_REDIS_URL } from '../setup/services';

/** A key prefix of its own per test file: the shared Redis is used by others too. */
export const uniquePrefix = () => `test:${randomBytes(5).toString('hex')}:`;

/** Deletes this test's keys (never FLUSHALL: the Redis is shared). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}

/** Every key and string value under a prefix (SECURITY 10: no code in clear). */
export async function dumpKeys(url: string, prefix: string): Promise<string> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  const out: string[] = [];
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      for (const key of keys) {
        out.push(key);
        const type = await client.type(key);
        if (type === 'string') out.push(String(await client.get(key)));
        if (type === 'hash') out.push(JSON.stringify(await client.hGetAll(key)));
        if (type === 'list') out.push(JSON.stringify(await client.lRange(key, 0, -1)));
      }
    }
  } finally {
    client.destroy();
  }
  return out.join('\n');
}

/** The value of one series of a metric of an app (0 when absent). */
export async function metricValue(
  registry: import('prom-client').Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}
