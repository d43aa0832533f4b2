import { createOtpClient, OtpApiError } from '../../client';
import { CSRF_TOKEN_KEY } from '../../client/client';
import { memoryStorage } from '../../client/storage';
import { serveTestApp, type ServedApp } from '../helpers/client-server';
import { cookieBrowser } from '../helpers/cookie-jar';
import { channelNamed, tinyLocks, waitUntil } from '../helpers/tabs';

/**
 * The library in cookie mode against the real app: the refresh token only ever in the
 * HttpOnly cookie, the CSRF token sent back on refresh and logout, a "reload" (a new client on
 * the same storage and cookies) staying signed in, and logout clearing the cookies.
 */
const ORIGIN = 'http://app.example.test';

describe('client library, cookie mode', () => {
  let s: ServedApp;
  beforeAll(async () => {
    s = await serveTestApp({ env: { CORS_ORIGIN: ORIGIN } });
  });
  afterAll(async () => s.close());

  const signedIn = async (email: string) => {
    const browser = cookieBrowser(ORIGIN);
    const storage = memoryStorage();
    const client = createOtpClient({
      baseUrl: s.baseUrl,
      mode: 'cookie',
      fetch: browser.fetch,
      storage,
      now: s.now,
    });
    await client.requestCode(email);
    const signIn = await client.verify(email, await s.codeFor(email));
    return { browser, storage, client, signIn };
  };

  it('when a person signs in, then the refresh token is only in the HttpOnly cookie, and a reload stays signed in', async () => {
    const { browser, storage, client, signIn } = await signedIn('cookie@example.com');

    const verify = browser.sent.find((r) => r.path === '/v1/otp/verify');
    expect(verify?.headers['x-auth-mode']).toBe('cookie');
    expect(signIn).not.toHaveProperty('refreshToken');
    expect(signIn).not.toHaveProperty('csrfToken');
    expect([...browser.cookies.keys()].sort()).toEqual(['__Host-csrf', '__Host-refresh']);
    expect(await storage.getItem(CSRF_TOKEN_KEY)).toBe(browser.cookies.get('__Host-csrf'));
    client.close();

    // A reload: a new client, nothing in memory, the same cookies and storage.
    const reloaded = createOtpClient({
      baseUrl: s.baseUrl,
      mode: 'cookie',
      fetch: browser.fetch,
      storage,
      now: s.now,
    });
    const csrfBefore = browser.cookies.get('__Host-csrf');
    const token = await reloaded.getAccessToken();

    const refresh = browser.sent.filter((r) => r.path === '/v1/auth/refresh').at(-1);
    expect(refresh?.headers).toMatchObject({ 'x-auth-mode': 'cookie', 'x-csrf-token': csrfBefore });
    expect(token).toEqual(expect.any(String));
    expect(await reloaded.me()).toMatchObject({ id: signIn.user.id });
    expect(browser.cookies.get('__Host-csrf')).not.toBe(csrfBefore);
    expect(await storage.getItem(CSRF_TOKEN_KEY)).toBe(browser.cookies.get('__Host-csrf'));
    reloaded.close();
  });

  it('when the person signs out, then the cookies are gone and the session is revoked', async () => {
    const { browser, client } = await signedIn('cookie-out@example.com');
    const token = await client.getAccessToken();

    await client.logout();

    const logout = browser.sent.find((r) => r.path === '/v1/auth/logout');
    expect(logout?.headers['x-csrf-token']).toEqual(expect.any(String));
    expect(browser.cookies.size).toBe(0);
    expect(await client.getAccessToken()).toBeNull();
    expect((await s.t.http.get('/v1/users/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    client.close();
  });

  it('when the CSRF token it holds is not the cookie’s, then refresh is refused with 403 csrf_failed and the session is untouched', async () => {
    const { browser, storage, client } = await signedIn('cookie-csrf@example.com');
    const reloaded = createOtpClient({
      baseUrl: s.baseUrl,
      mode: 'cookie',
      fetch: browser.fetch,
      storage,
      now: s.now,
    });
    await storage.setItem(CSRF_TOKEN_KEY, 'not-the-cookie');
    const cookiesBefore = new Map(browser.cookies);

    const error = await reloaded.refresh().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OtpApiError);
    expect(error).toMatchObject({ status: 403, code: 'csrf_failed' });
    expect(await reloaded.getAccessToken()).toBeNull();
    expect(browser.cookies).toEqual(cookiesBefore);
    // The session still works for the tab that holds the right token.
    expect(await client.me()).toMatchObject({ email: 'cookie-csrf@example.com' });
    client.close();
    reloaded.close();
  });

  it('when two tabs of one browser need a token at once, then one cookie refresh serves both, and signing out in one signs out the other', async () => {
    const { browser, storage, client: a, signIn } = await signedIn('cookie-tabs@example.com');
    a.close();
    const locks = tinyLocks();
    const name = `otp-login-cookie-${Date.now()}`;
    const tab = () =>
      createOtpClient({
        baseUrl: s.baseUrl,
        mode: 'cookie',
        fetch: browser.fetch,
        storage,
        locks,
        channel: channelNamed(name),
        now: s.now,
      });
    const [one, two] = [tab(), tab()];
    const refreshes = () => browser.sent.filter((r) => r.path === '/v1/auth/refresh').length;

    const [first, second] = await Promise.all([one.getAccessToken(), two.getAccessToken()]);

    expect(refreshes()).toBe(1);
    expect(first).toEqual(expect.any(String));
    expect(second).toBe(first);
    expect(await two.me()).toMatchObject({ id: signIn.user.id });

    await one.logout();
    await waitUntil(() => !two.getState().signedIn);
    expect(browser.cookies.size).toBe(0);
    one.close();
    two.close();
  });
});
