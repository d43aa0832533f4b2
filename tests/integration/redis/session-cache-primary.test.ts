import client from 'prom-client';
import type { Session, SessionRepository } from '../../../src/modules/auth/auth.ports';
import { createSessionCache, type SessionCache } from '../../../src/modules/auth/session-cache';
import { systemClock } from '../../../src/platform/clock';
import { createLogger } from '../../../src/platform/logger';
import { createRedisConnection, type RedisConnection } from '../../../src/platform/redis/redis-client';
import { createSqlStore } from '../../../src/store/sql/sql-store';
import type { Store } from '../../../src/store/store';
import { createTestPglite } from '../../helpers/pglite';
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix, waitFor } from '../../helpers/redis-server';
import { storedSession } from '../../helpers/stored-session';
import { describeWith } from '../../helpers/services';

/**
 * The session cache is filled only from primary reads. A MongoDB secondary can lag behind a
 * revocation; if a cache miss read it, the stale "active" copy would be cached under the epoch
 * that the revocation itself created, and served until the entry expired. There is no replica
 * set here, so the lag is played by the store: a read that does not ask for the primary gets
 * the copy taken before the revocation (the real repository answers every primary read).
 */
describeWith('redis', 'session cache fills only from the primary', () => {
  const prefix = uniquePrefix();
  const logger = createLogger({ level: 'error', silent: true });
  let redis: RedisConnection;
  let store: Store;
  const lagging = new Map<string, Session>();
  const reads: Array<'primary' | 'any'> = [];

  /** The real repository, with a secondary that has not yet seen what `lagging` holds back. */
  const withLaggingSecondary = (sessions: SessionRepository): Pick<SessionRepository, 'findById'> => ({
    findById: async (id, options = {}) => {
      reads.push(options.primary ? 'primary' : 'any');
      if (!options.primary && lagging.has(id)) return lagging.get(id);
      return sessions.findById(id);
    },
  });

  const cacheOn = (connection: RedisConnection): SessionCache =>
    createSessionCache({
      redis: connection,
      sessions: withLaggingSecondary(store.sessions),
      users: store.users,
      clock: systemClock,
      ttlSeconds: 60,
      logger,
      registry: new client.Registry(),
    });

  beforeAll(async () => {
    store = createSqlStore(await createTestPglite());
    await store.migrate();
    redis = createRedisConnection({
      url: SHARED_REDIS_URL,
      keyPrefix: prefix,
      commandTimeoutMs: 1_000,
      logger,
      registry: new client.Registry(),
    });
    await waitFor(() => redis.usable(), 5_000);
  });

  afterAll(async () => {
    await redis?.close();
    await store?.close();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  const signedIn = () => storedSession(store, 'primary');

  it('when a session is revoked and a secondary still shows it active, then the cache is filled with the revocation', async () => {
    const cache = cacheOn(redis);
    try {
      await waitFor(async () => (await redis.send(['EXISTS', `${prefix}cache:gen`])) === 1, 5_000);
      const { user, session } = await signedIn();
      lagging.set(session.id, session); // the secondary's copy: not revoked
      await store.sessions.revoke(session.id, new Date(), 'logout');
      await cache.onSessionChanged(session.id, user.id);
      reads.length = 0;

      const first = await cache.sessions.findById(session.id, user.id);
      const second = await cache.sessions.findById(session.id, user.id);

      expect(reads).toEqual(['primary']); // the miss read the primary; the second was a hit
      expect(first?.revokedAt).toBeInstanceOf(Date);
      expect(second?.revokedAt).toBeInstanceOf(Date);
    } finally {
      cache.close();
    }
  });

  it('when Redis cannot be used, then nothing is cached and the check may still read a secondary', async () => {
    const down = createRedisConnection({
      url: 'redis://127.0.0.1:1',
      keyPrefix: prefix,
      commandTimeoutMs: 100,
      logger,
      registry: new client.Registry(),
    });
    const cache = cacheOn(down);
    try {
      const { user, session } = await signedIn();
      reads.length = 0;

      await cache.sessions.findById(session.id, user.id);

      expect(reads).toEqual(['any']);
    } finally {
      cache.close();
      await down.close();
    }
  });
});
