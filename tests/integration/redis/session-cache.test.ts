import client from 'prom-client';
import { createSessionCache, type SessionCache } from '../../../src/modules/auth/session-cache';
import { createLogger } from '../../../src/platform/logger';
import {
  createRedisConnection,
  type RedisConnection,
  type SendCommand,
} from '../../../src/platform/redis/redis-client';
import { createTestPglite } from '../../helpers/pglite';
import { createSqlStore } from '../../../src/store/sql/sql-store';
import { systemClock } from '../../../src/platform/clock';
import type { Store } from '../../../src/store/store';
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix, waitFor } from '../../helpers/redis-server';
import { storedSession } from '../../helpers/stored-session';
import { describeWith } from '../../helpers/services';

/**
 * The session cache's round trips against the real Redis, over a real (PGlite) store: what
 * `/users/me` costs is one MGET for the session check, which carries the user entry along.
 */
describeWith('redis', 'session cache round trips', () => {
  const prefix = uniquePrefix();
  const logger = createLogger({ level: 'error', silent: true });
  let redis: RedisConnection;
  let store: Store;
  let cache: SessionCache;
  const sent: string[][] = [];

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
    const send: SendCommand = (args, key) => {
      sent.push(args);
      return redis.send(args, key);
    };
    cache = createSessionCache({
      redis: { ...redis, send },
      sessions: store.sessions,
      users: store.users,
      clock: systemClock,
      ttlSeconds: 60,
      logger,
      registry: new client.Registry(),
    });
    // The heartbeat creates the generation; entries only count once it exists.
    await waitFor(async () => (await redis.send(['EXISTS', `${prefix}cache:gen`])) === 1, 5_000);
  });

  afterAll(async () => {
    cache?.close();
    await redis?.close();
    await store?.close();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  const signedIn = () => storedSession(store, 'cache');
  /** One /users/me worth of reads: the session check, then the user. */
  const me = async (userId: string, sessionId: string) => {
    const session = await cache.sessions.findById(sessionId, userId);
    return { session, user: await cache.users.findById(userId) };
  };
  const mgets = () => sent.filter((args) => args[0] === 'MGET').length;

  it('when several requests of one user are checked in the same turn, then none reads the user again', async () => {
    const { user, session } = await signedIn();
    await me(user.id, session.id); // fills both entries
    await me(user.id, session.id);

    const before = mgets();
    const answers = await Promise.all(Array.from({ length: 8 }, () => me(user.id, session.id)));

    for (const a of answers) {
      expect(a.session?.id).toBe(session.id);
      expect(a.user).toEqual(user);
    }
    expect(mgets() - before).toBe(8); // one per session check, none for the user
  });

  it('when the user changes, then the next check reads the new user, not the one carried along before', async () => {
    const { user, session } = await signedIn();
    await me(user.id, session.id);
    expect((await me(user.id, session.id)).user?.email).toBe(user.email);

    await store.users.delete(user.id);
    await cache.onUserChanged(user.id);
    await new Promise((r) => setImmediate(r));

    const after = await me(user.id, session.id);
    expect(after.user).toBeUndefined();
  });
});
