import { dumpKeys, SHARED_REDIS_URL, uniquePrefix } from '../../helpers/redis-server';
import { closeInstances, untilRedisReady } from '../../helpers/instances';
import { describeWith } from '../../helpers/services';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * Erasing an account (DELETE /v1/users/me, and the admin's delete) leaves no cache entry of the
 * user in Redis: not only marked stale, gone (docs/redis.md).
 */
describeWith(['postgres', 'redis'], 'account erasure and the Redis cache', () => {
  const prefix = uniquePrefix();
  let t: TestApp;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const keysOf = async (userId: string) =>
    (await dumpKeys(SHARED_REDIS_URL, prefix)).split('\n').filter((line) => line.includes(`{${userId}}`));

  beforeAll(async () => {
    t = await createTestApp({
      storage: 'postgres',
      env: {
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        ADMIN_API_KEYS: 'admin-key-0123456789abcdef',
      },
    });
    await untilRedisReady(t);
  });
  afterAll(async () => closeInstances([t], undefined, prefix));

  it('when a user deletes their account, then every cache key of theirs is gone and their token is refused', async () => {
    const other = await t.signIn('cache-erase-other@example.com');
    const a = await t.signIn('cache-erase-me@example.com');
    for (const s of [a, other])
      expect((await t.http.get('/v1/users/me').set(auth(s.accessToken))).status).toBe(200);
    expect((await keysOf(a.user.id)).length).toBeGreaterThan(0);

    expect((await t.http.delete('/v1/users/me').set(auth(a.accessToken))).status).toBe(204);

    expect(await keysOf(a.user.id)).toEqual([]);
    expect((await keysOf(other.user.id)).length).toBeGreaterThan(0);
    expect((await t.http.get('/v1/users/me').set(auth(a.accessToken))).status).toBe(401);
    expect((await t.http.get('/v1/users/me').set(auth(other.accessToken))).status).toBe(200);
  });

  it('when an admin deletes a user, then their cache keys and delivery history are gone too', async () => {
    const email = 'cache-erase-admin@example.com';
    const a = await t.signIn(email);
    expect((await t.http.get('/v1/users/me').set(auth(a.accessToken))).status).toBe(200);
    expect((await keysOf(a.user.id)).length).toBeGreaterThan(0);
    const res = await t.http
      .delete(`/v1/admin/users/${a.user.id}`)
      .set('X-API-Key', 'admin-key-0123456789abcdef');
    expect(res.status).toBe(204);
    expect(await keysOf(a.user.id)).toEqual([]);
    expect(await t.container.store.emailMessages.listRecentForEmail(email, 10)).toEqual([]);
    expect((await t.http.get('/v1/users/me').set(auth(a.accessToken))).status).toBe(401);
  });
});
