import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '../../platform/redis/redis-client';

/** The cache's key layout (session-cache.ts): one place for every name. */
export function cacheKeys(keyPrefix: string) {
  const p = `${keyPrefix}cache:`;
  return {
    genKey: `${p}gen`,
    // The hash tag keeps a user's epoch and entries in one cluster slot (one MGET).
    epochKey: (u: string) => `${p}{${u}}:epoch`,
    sessionKey: (u: string, s: string) => `${p}{${u}}:session:${s}`,
    userKey: (u: string) => `${p}{${u}}:user`,
    /** Every key of one user: their epoch, user and session entries. */
    userPattern: (u: string) => `${p}{${u}}:*`,
  };
}

/** Sessions and users are flat objects whose dates are the `…At` fields (ISO strings in JSON). */
export function revive<T>(json: string): T {
  const o = JSON.parse(json) as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'string' && k.endsWith('At')) o[k] = new Date(v);
  }
  return o as T;
}

export const newToken = () => randomBytes(9).toString('base64url');

/**
 * Deletes every entry of an erased user. Their keys share one hash tag, so one cluster node
 * holds them all: SCAN is routed there by the tag's key. Throws when Redis fails (the caller
 * then stops trusting the cache until it resynchronises).
 */
export async function forgetCachedUser(
  redis: RedisConnection,
  keys: ReturnType<typeof cacheKeys>,
  userId: string,
): Promise<void> {
  if (!redis.usable()) throw new Error('redis unavailable');
  const tag = keys.epochKey(userId);
  let cursor = '0';
  do {
    const [next, found] = await redis.send<[string, string[]]>(
      ['SCAN', cursor, 'MATCH', keys.userPattern(userId), 'COUNT', '100'],
      tag,
    );
    if (found.length > 0) await redis.send(['DEL', ...found], tag);
    cursor = next;
  } while (cursor !== '0');
}
