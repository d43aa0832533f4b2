import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  ADMIN_ENV,
  KEY,
  SECOND_KEY,
  bearer,
  freshEmail,
  keyId,
  sha256,
  withoutRequestId,
} from './admin-fixtures';

/** The admin API's authentication (SECURITY 44, 45): X-API-Key only, identical 401s, no keys configured. */

describe('admin authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
  });
  afterAll(async () => t.close());

  it('when the key is missing, wrong or of the wrong length, then the 401s are identical but for the request id', async () => {
    const missing = await t.http.get('/v1/admin/users');
    const wrong = await t.http.get('/v1/admin/users').set('X-API-Key', `${KEY.slice(0, -1)}x`);
    const wrongFirst = await t.http.get('/v1/admin/users').set('X-API-Key', `x${KEY.slice(1)}`);
    const short = await t.http.get('/v1/admin/users').set('X-API-Key', 'a');
    const long = await t.http.get('/v1/admin/users').set('X-API-Key', KEY.repeat(10));
    const digestAsKey = await t.http.get('/v1/admin/users').set('X-API-Key', `sha256:${sha256(SECOND_KEY)}`);

    for (const res of [missing, wrong, wrongFirst, short, long, digestAsKey]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe(missing.headers['www-authenticate']);
      expect(withoutRequestId(res.body)).toEqual(withoutRequestId(missing.body));
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      expectMatchesOpenApi(res, 'GET', '/v1/admin/users');
    }
    expect(missing.body.code).toBe('unauthorized');
  });

  it('when the key is sent in the query string, then it is ignored (401), never read', async () => {
    for (const name of ['api_key', 'apiKey', 'x-api-key', 'key']) {
      const res = await t.http.get(`/v1/admin/users?${name}=${encodeURIComponent(KEY)}`);
      expect(res.status).toBe(401);
    }
  });

  it("when a user's Bearer access token is presented, then it is refused on admin routes", async () => {
    const signedIn = await t.signIn(freshEmail('bearer'));

    const res = await t.http.get('/v1/admin/users').set('Authorization', bearer(signedIn));
    const both = await t.http
      .get('/v1/admin/stats')
      .set('Authorization', bearer(signedIn))
      .set('X-API-Key', signedIn.accessToken);

    expect(res.status).toBe(401);
    expect(both.status).toBe(401);
  });

  it('when either configured key (plain or as a sha256 digest) is used, then it works and the log names its id', async () => {
    const one = await t.http.get('/v1/admin/stats').set('X-API-Key', KEY);
    const two = await t.http.get('/v1/admin/stats').set('X-API-Key', SECOND_KEY);

    expect([one.status, two.status]).toEqual([200, 200]);
    const events = t.logs.filter((l) => l.event === 'admin.stats.viewed');
    expect(events).toContainEqual(
      expect.objectContaining({ keyId: keyId(KEY), requestId: one.headers['x-request-id'] }),
    );
    expect(events).toContainEqual(expect.objectContaining({ keyId: keyId(SECOND_KEY) }));
  });

  it('when admin requests fail and succeed, then no key ever appears in the logs', async () => {
    await t.http.get('/v1/admin/users').set('X-API-Key', 'an-attempted-wrong-key-123');
    await t.http.get('/v1/admin/users').set('X-API-Key', KEY);

    const all = t.rawLogs.join('\n');
    for (const secret of [KEY, SECOND_KEY, 'an-attempted-wrong-key-123', sha256(KEY), sha256(SECOND_KEY)])
      expect(all).not.toContain(secret);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        event: 'admin.auth.failed',
        reason: 'wrong_key',
        requestId: expect.any(String),
      }),
    );
  });

  it('when an unknown admin path is called, then 401 without a key and 404 with one', async () => {
    expect((await t.http.get('/v1/admin/nothing-here')).status).toBe(401);
    const res = await t.http.get('/v1/admin/nothing-here').set('X-API-Key', KEY);
    expect(res.status).toBe(404);
    expect((await t.http.put('/v1/admin/users').set('X-API-Key', KEY)).status).toBe(405);
  });
});

describe('admin API with no keys configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when ADMIN_API_KEYS is empty, then every admin route answers 403 "admin API disabled"', async () => {
    for (const res of [
      await t.http.get('/v1/admin/users'),
      await t.http.get('/v1/admin/stats').set('X-API-Key', KEY),
      await t.http.post('/v1/admin/ip-rules').set('X-API-Key', KEY).send({ cidr: '1.2.3.4', action: 'deny' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'forbidden', detail: 'admin API disabled' });
    }
    expectMatchesOpenApi(await t.http.get('/v1/admin/users'), 'GET', '/v1/admin/users');
  });

  it('when a key is malformed in the configuration, then boot is refused naming the entry, never the key', () => {
    const attempt = (keys: string) => () => loadConfig({ NODE_ENV: 'test', ADMIN_API_KEYS: keys });
    expect(attempt('sha256:abc')).toThrow(ConfigError);
    expect(attempt('sha256:abc')).toThrow(/ADMIN_API_KEYS entry 1: sha256: needs 64 hex digits/);
    expect(attempt(`${KEY},short-key`)).toThrow(
      /ADMIN_API_KEYS entry 2: a key must be at least 16 characters/,
    );
    expect(attempt(`${KEY},short-key`)).not.toThrow(/short-key/);
    expect(
      loadConfig({
        NODE_ENV: 'test',
        ADMIN_API_KEYS: ` ${KEY} , sha256:${sha256(SECOND_KEY).toUpperCase()} `,
      }).adminApiKeys,
    ).toHaveLength(2);
  });
});
