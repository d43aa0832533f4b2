import type { Response } from 'supertest';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  ACCOUNTS,
  cookieHeader,
  cookieSignIn,
  fromApp,
  jarOf,
  ORIGIN,
  storedToken,
  testAccountsEnv,
  type Jar,
} from './cookie-mode-fixtures';

/**
 * The CSRF check of cookie mode (docs/security.md, row 37): a request authenticated by the
 * refresh cookie needs an allowed Origin (or Sec-Fetch-Site: same-origin, never cross-site) and
 * an X-CSRF-Token equal to the __Host-csrf cookie, else 403 csrf_failed and nothing changes.
 * The grace window is 0 here, so a refused refresh that had rotated the token would make the
 * next good one a reuse.
 */

describe('cookie mode: the CSRF check', () => {
  let t: TestApp;
  let i = 0;
  const signedIn = async (): Promise<Jar> => jarOf(await cookieSignIn(t, ACCOUNTS[i++]));

  beforeAll(async () => {
    t = await createTestApp({
      env: { OTP_TEST_ACCOUNTS: testAccountsEnv(), REFRESH_REUSE_GRACE_SECONDS: '0' },
    });
  });
  afterAll(async () => t.close());

  /** The 403 and then proof that nothing changed: no cookie set, token unrotated, session live. */
  async function expectRefusedAndUnchanged(res: Response, jar: Jar, path: string) {
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('csrf_failed');
    expectMatchesOpenApi(res, 'POST', path);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await storedToken(t, jar.refresh))?.rotatedAt).toBeNull();
    expect((await t.container.store.sessions.findById(jar.sessionId))?.revokedAt).toBeNull();
    const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${jar.accessToken}`);
    expect(me.status).toBe(200);
    expect((await fromApp(t, '/v1/auth/refresh', jar)).status).toBe(200);
  }

  describe.each(['/v1/auth/refresh', '/v1/auth/logout'])('%s', (path) => {
    it('when X-CSRF-Token is missing, then 403 csrf_failed and nothing changes', async () => {
      const jar = await signedIn();
      const res = await t.http
        .post(path)
        .set('Origin', ORIGIN)
        .set('X-Auth-Mode', 'cookie')
        .set('Cookie', cookieHeader(jar));
      await expectRefusedAndUnchanged(res, jar, path);
    });

    it('when X-CSRF-Token is not the cookie (another session’s token), then 403 and nothing changes', async () => {
      const jar = await signedIn();
      const other = await signedIn();
      const res = await fromApp(t, path, jar).set('X-CSRF-Token', other.csrf);
      await expectRefusedAndUnchanged(res, jar, path);
    });

    it('when the CSRF cookie is missing (only the refresh cookie is sent), then 403 and nothing changes', async () => {
      const jar = await signedIn();
      const res = await fromApp(t, path, jar).set('Cookie', `__Host-refresh=${jar.refresh}`);
      await expectRefusedAndUnchanged(res, jar, path);
    });

    it.each(['https://evil.test', 'null', 'http://localhost:3000.evil.test'])(
      'when the page is on the foreign origin %s, then 403 even with the right token, and nothing changes',
      async (origin) => {
        const jar = await signedIn();
        const res = await fromApp(t, path, jar, origin);
        await expectRefusedAndUnchanged(res, jar, path);
      },
    );

    it('when there is neither Origin nor Sec-Fetch-Site, then 403 and nothing changes', async () => {
      const jar = await signedIn();
      const res = await fromApp(t, path, jar).unset('Origin');
      await expectRefusedAndUnchanged(res, jar, path);
    });

    it('when Sec-Fetch-Site says cross-site, then 403 even from a listed Origin, and nothing changes', async () => {
      const jar = await signedIn();
      const res = await fromApp(t, path, jar).set('Sec-Fetch-Site', 'cross-site');
      await expectRefusedAndUnchanged(res, jar, path);
    });
  });

  it('when the API’s own page calls (Sec-Fetch-Site: same-origin, no listed Origin) with the token, then the refresh is served', async () => {
    const jar = await signedIn();
    const res = await fromApp(t, '/v1/auth/refresh', jar)
      .unset('Origin')
      .set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(200);
  });

  it('when a header-mode refresh carries its token in the body, then no CSRF token is needed (nothing ambient)', async () => {
    const res = await t.http
      .post('/v1/auth/refresh')
      .set('Origin', 'https://evil.test')
      .send({
        refreshToken: (await signedIn()).refresh,
      });
    expect(res.status).toBe(200);
  });

  it('when a listed origin sends a preflight for cookie mode, then credentials and both headers are allowed; an unlisted one gets nothing', async () => {
    const preflight = (origin: string) =>
      t.http
        .options('/v1/auth/refresh')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,x-auth-mode,x-csrf-token');

    const listed = await preflight(ORIGIN);
    const unlisted = await preflight('https://evil.test');

    expect(listed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(listed.headers['access-control-allow-credentials']).toBe('true');
    expect(listed.headers['access-control-allow-headers']).toMatch(/X-Auth-Mode/);
    expect(listed.headers['access-control-allow-headers']).toMatch(/X-CSRF-Token/);
    expect(unlisted.headers['access-control-allow-origin']).toBeUndefined();
    expect(unlisted.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
