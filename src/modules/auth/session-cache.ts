import client from 'prom-client';
import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import type { Session, SessionRepository, User, UserRepository } from './auth.ports';
import type { SessionStateReader } from './session.service';
import type { RedisConnection, SendCommand } from '../../platform/redis/redis-client';
import { cacheKeys, forgetCachedUser, newToken, revive } from './session-cache-keys';

/**
 * Session state and user objects cached in Redis, with the database as the truth.
 *
 * Every entry is stamped `<generation>|<user epoch>|<json>` and counts only while both still
 * match the values in Redis (read in the same round trip):
 * - the user epoch (`{uid}:epoch`) is deleted after every committed change of the user or any
 *   of their sessions (sign-in, rotation, logout, revocation, reuse, deletion). Deleting is
 *   order-insensitive, so a reader that filled from the database just before a revocation
 *   can never leave an "active" entry that counts: it carries the old epoch. Epochs are
 *   random, never counters, so an expired or evicted epoch cannot come back (no ABA);
 * - the generation (`gen`) is a random value with a TTL shorter than the command timeout,
 *   kept alive by every instance. A Redis pause long enough to make an invalidation fail also
 *   lets it expire, so after SIGCONT every entry written before the pause is dead at once.
 *   An instance whose invalidation failed stops using the cache and deletes the generation
 *   as soon as Redis answers again, before it serves from the cache.
 * See docs/redis.md for the cases and their bounds.
 */
export interface SessionCache {
  sessions: SessionStateReader;
  users: Pick<UserRepository, 'findById'>;
  /** Call after any committed change of a session; the user id saves a database read. */
  onSessionChanged(sessionId: string, userId?: string): Promise<void>;
  /** Call after any committed change of a user (deletion, revoke-all). */
  onUserChanged(userId: string): Promise<void>;
  /** Deletes every entry of an erased user (their epoch, user and session entries). */
  forgetUser(userId: string): Promise<void>;
  close(): void;
}

export function createSessionCache(deps: {
  redis: RedisConnection;
  sessions: Pick<SessionRepository, 'findById'>;
  users: Pick<UserRepository, 'findById'>;
  clock: Clock;
  ttlSeconds: number;
  logger: Logger;
  registry: client.Registry;
}): SessionCache {
  const { redis, logger } = deps;
  const keys = cacheKeys(redis.keyPrefix);
  const { genKey, epochKey, sessionKey, userKey } = keys;
  const ttlMs = deps.ttlSeconds * 1000;
  const epochTtlMs = 2 * ttlMs;
  const genTtlMs = Math.max(40, Math.floor(redis.commandTimeoutMs * 0.8));
  let resyncNeeded = false;
  let failures = 0;

  const lookups = new client.Counter({
    name: 'cache_lookups_total',
    help: 'Session and user cache lookups: hit, miss (read from the database), bypass (Redis not usable)',
    labelNames: ['cache', 'result'],
    registers: [deps.registry],
  });
  const counted = (cache: string) => ({
    hit: lookups.labels(cache, 'hit'),
    miss: lookups.labels(cache, 'miss'),
    bypass: lookups.labels(cache, 'bypass'),
  });
  const counters: Record<string, ReturnType<typeof counted>> = {
    session: counted('session'),
    user: counted('user'),
  };

  const needResync = (err: unknown) => {
    if (!resyncNeeded)
      logger.warn('cache invalidation failed; cache bypassed until Redis is back and resynchronised', {
        event: 'cache.invalidation_failed',
        error: err instanceof Error ? err.message : String(err),
      });
    resyncNeeded = true;
    failures += 1;
  };

  const resync = async (send: SendCommand) => {
    if (!resyncNeeded) return;
    const seen = failures;
    await send(['DEL', genKey], genKey);
    // A failure while the DEL was in flight may postdate it: the next beat deletes again.
    if (failures === seen) resyncNeeded = false;
    logger.info('cache resynchronised: every entry written before the outage is void', {
      event: 'cache.resynchronised',
    });
  };
  redis.onRecovered(resync);

  const beat = async () => {
    if (!redis.usable()) return;
    try {
      await resync(redis.send);
      const alive = await redis.send<number>(['PEXPIRE', genKey, String(genTtlMs)], genKey);
      if (alive !== 1) await redis.send(['SET', genKey, newToken(), 'NX', 'PX', String(genTtlMs)], genKey);
    } catch {
      // The connection records the outage; the next beat after recovery starts a new generation.
    }
  };
  const heartbeat = setInterval(() => void beat(), Math.max(10, Math.floor(genTtlMs / 4)));
  heartbeat.unref();
  void beat();

  /**
   * The user entry read along with a session (same slot, same MGET), for the /users/me that
   * follows in the same request. It lives until the end of the current event-loop turn only,
   * so it is never older than the session check of the request that uses it. It is not
   * taken on first use: several requests of one user (tabs, devices) whose session checks
   * were answered in the same turn all read it, instead of one and a round trip for the rest.
   */
  const prefetched = new Map<string, string>();
  let clearScheduled = false;
  const clearPrefetched = () => {
    prefetched.clear();
    clearScheduled = false;
  };

  /** The entry if its stamp is current, and the stamp a fill must carry (read before the database). */
  async function lookup(cache: string, userId: string, key: string, prefetchUser = false) {
    const count = counters[cache];
    if (!redis.usable() || resyncNeeded) {
      count.bypass.inc();
      return {};
    }
    try {
      const ek = epochKey(userId);
      const keys = prefetchUser ? ['MGET', ek, key, userKey(userId)] : ['MGET', ek, key];
      let gen: string | null;
      let epoch: string | null;
      let value: string | null;
      let user: string | null | undefined;
      if (redis.isCluster) {
        // The generation lives in another slot: a second command, sent in the same round trip.
        [gen, [epoch, value, user]] = await Promise.all([
          redis.send<string | null>(['GET', genKey], genKey),
          redis.send<Array<string | null>>(keys, ek),
        ]);
      } else {
        keys.splice(1, 0, genKey);
        [gen, epoch, value, user] = await redis.send<Array<string | null>>(keys);
      }
      let current = epoch;
      if (gen && !current) {
        // First entry since the last change: create the epoch; the winner of a race is read back.
        const [, winner] = await Promise.all([
          redis.send(['SET', ek, newToken(), 'NX', 'PX', String(epochTtlMs)], ek),
          redis.send<string | null>(['GET', ek], ek),
        ]);
        current = winner;
      }
      const stamp = gen && current ? `${gen}|${current}|` : undefined;
      if (stamp && user?.startsWith(stamp)) {
        prefetched.set(userId, user.slice(stamp.length));
        if (!clearScheduled) {
          clearScheduled = true;
          setImmediate(clearPrefetched);
        }
      }
      if (stamp && value?.startsWith(stamp)) {
        count.hit.inc();
        return { hit: value.slice(stamp.length), stamp };
      }
      count.miss.inc();
      return { stamp };
    } catch {
      count.bypass.inc();
      return {};
    }
  }

  function fill(userId: string, key: string, stamp: string | undefined, value: object, ttl: number) {
    if (!stamp || ttl <= 0) return;
    const ek = epochKey(userId);
    void Promise.all([
      redis.send(['SET', key, stamp + JSON.stringify(value), 'PX', String(Math.ceil(ttl))], key),
      redis.send(['PEXPIRE', ek, String(epochTtlMs)], ek),
    ]).catch(() => undefined);
  }

  async function invalidateUser(userId: string): Promise<void> {
    if (!redis.usable()) return needResync(new Error('redis unavailable'));
    try {
      await redis.send(['DEL', epochKey(userId)], epochKey(userId));
    } catch (err) {
      needResync(err);
    }
  }

  return {
    sessions: {
      async findById(id: string, userId?: string): Promise<Session | undefined> {
        if (!userId) return deps.sessions.findById(id);
        const key = sessionKey(userId, id);
        const { hit, stamp } = await lookup('session', userId, key, true);
        if (hit !== undefined) return revive<Session>(hit);
        // A read that may fill (a stamp) goes to the primary: a lagging secondary's copy of a
        // just-revoked session would be cached under the new epoch and outlive the revocation.
        const session = await deps.sessions.findById(id, stamp ? { primary: true } : {});
        if (session && session.userId === userId) {
          const now = deps.clock.now().getTime();
          // A live entry never outlives the session's own expiry, so a stale expiry can't linger.
          const ttl = session.revokedAt
            ? ttlMs
            : Math.min(ttlMs, session.expiresAt.getTime() - now, session.absoluteExpiresAt.getTime() - now);
          fill(userId, key, stamp, session, ttl);
        }
        return session;
      },
    },
    users: {
      async findById(id: string): Promise<User | undefined> {
        const early = prefetched.get(id);
        if (early !== undefined) {
          counters.user.hit.inc();
          return revive<User>(early);
        }
        const key = userKey(id);
        const { hit, stamp } = await lookup('user', id, key);
        if (hit !== undefined) return revive<User>(hit);
        const user = await deps.users.findById(id);
        if (user) fill(id, key, stamp, user, ttlMs);
        return user;
      },
    },
    async onSessionChanged(sessionId, userId) {
      const owner = userId ?? (await deps.sessions.findById(sessionId))?.userId;
      if (owner) await invalidateUser(owner);
    },
    onUserChanged: invalidateUser,
    forgetUser: (userId) => forgetCachedUser(redis, keys, userId).catch(needResync),
    close: () => clearInterval(heartbeat),
  };
}
