import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  ACCOUNTS,
  CODE,
  cookieSignIn,
  fromApp,
  jarOf,
  setCookies,
  storedToken,
  testAccountsEnv,
} from './cookie-mode-fixtures';

/**
 * Cookie mode (docs/api.md, "Cookie mode"; docs/security.md rows 36 and 37): X-Auth-Mode:
 * cookie puts the refresh token in an HttpOnly __Host- cookie and never in the body; refresh
 * and logout read it. Header mode is unchanged.
 */

const DAY_SECONDS = 24 * 3600;

describe('cookie mode', () => {
  let t: TestApp;
  const next = (() => {
    let i = 0;
    return () => ACCOUNTS[i++];
  })();

  beforeAll(async () => {
    t = await createTestApp({ env: { OTP_TEST_ACCOUNTS: testAccountsEnv() } });
  });
  afterAll(async () => t.close());

  it('when verify asks for cookie mode, then the refresh token is only in a __Host- cookie with HttpOnly, Secure, SameSite=Strict, Path=/ and no Domain, and the CSRF token is in a readable cookie and the body', async () => {
    const res = await cookieSignIn(t, next());

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'POST', '/v1/otp/verify');
    expect(res.body.refreshToken).toBeUndefined();
    expect(res.body.accessToken).toEqual(expect.any(String));
    const cookies = setCookies(res);
    expect(Object.keys(cookies).sort()).toEqual(['__Host-csrf', '__Host-refresh']);
    const refresh = cookies['__Host-refresh'];
    expect(refresh.attributes).toEqual(
      expect.objectContaining({ httponly: '', secure: '', samesite: 'Strict', path: '/' }),
    );
    expect(refresh.attributes['max-age']).toBe(String(DAY_SECONDS));
    expect(refresh.attributes.domain).toBeUndefined();
    expect(Buffer.from(refresh.value, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(JSON.stringify(res.body)).not.toContain(refresh.value);
    expect((await storedToken(t, refresh.value))?.sessionId).toBe(res.body.session.id);
    const csrf = cookies['__Host-csrf'];
    expect(csrf.attributes).toEqual(expect.objectContaining({ secure: '', samesite: 'Strict', path: '/' }));
    expect(csrf.attributes.httponly).toBeUndefined();
    expect(csrf.attributes.domain).toBeUndefined();
    expect(csrf.value).toBe(res.body.csrfToken);
    expect(Buffer.from(csrf.value, 'base64url').length).toBe(32);
  });

  it('when no X-Auth-Mode is sent, then header mode is unchanged: the refresh token in the body and no cookie', async () => {
    await t.http.post('/v1/otp/request').send({ email: ACCOUNTS[19] });
    const res = await t.http.post('/v1/otp/verify').send({ email: ACCOUNTS[19], code: CODE });

    expect(res.status).toBe(200);
    expect(res.body.refreshToken).toEqual(expect.any(String));
    expect(res.body.csrfToken).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    const refreshed = await t.http.post('/v1/auth/refresh').send({ refreshToken: res.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toEqual(expect.any(String));
    expect(refreshed.headers['set-cookie']).toBeUndefined();
  });

  it('when X-Auth-Mode is neither cookie nor header, then 400 invalid_request naming it', async () => {
    const res = await t.http
      .post('/v1/otp/verify')
      .set('X-Auth-Mode', 'both')
      .send({ email: next(), code: CODE });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'X-Auth-Mode' })]);
  });

  it('when the page refreshes with the cookie and its CSRF token, then a new pair is set in cookies (the CSRF token renewed) and none in the body', async () => {
    const jar = jarOf(await cookieSignIn(t, next()));

    const res = await fromApp(t, '/v1/auth/refresh', jar);

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'POST', '/v1/auth/refresh');
    expect(res.body.refreshToken).toBeUndefined();
    const after = jarOf(res);
    expect(after.refresh).not.toBe(jar.refresh);
    expect(after.csrf).not.toBe(jar.csrf);
    expect(res.body.csrfToken).toBe(after.csrf);
    expect(after.sessionId).toBe(jar.sessionId);
    expect((await storedToken(t, jar.refresh))?.rotatedAt).not.toBeNull();
    const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${after.accessToken}`);
    expect(me.status).toBe(200);
  });

  it('when the page logs out with the cookie, then 204 expires both cookies, sends Clear-Site-Data and the session is over', async () => {
    const jar = jarOf(await cookieSignIn(t, next()));

    const res = await fromApp(t, '/v1/auth/logout', jar).send();

    expect(res.status).toBe(204);
    expectMatchesOpenApi(res, 'POST', '/v1/auth/logout');
    expect(res.headers['clear-site-data']).toMatch(/"cookies"/);
    const cookies = setCookies(res);
    for (const name of ['__Host-refresh', '__Host-csrf']) {
      expect(cookies[name].value).toBe('');
      expect(cookies[name].attributes['max-age']).toBe('0');
      expect(cookies[name].attributes.path).toBe('/');
    }
    expect((await t.container.store.sessions.findById(jar.sessionId))?.revokedReason).toBe('logout');
    expect((await fromApp(t, '/v1/auth/refresh', jar)).status).toBe(401);
    const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${jar.accessToken}`);
    expect(me.status).toBe(401);
  });

  it('when the refresh cookie no longer works, then 401 and both cookies are expired', async () => {
    const jar = jarOf(await cookieSignIn(t, next()));
    await t.container.store.sessions.revoke(jar.sessionId, t.clock.now(), 'admin');

    const res = await fromApp(t, '/v1/auth/refresh', jar);

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
    expect(setCookies(res)['__Host-refresh'].attributes['max-age']).toBe('0');
  });

  it('when cookie mode refreshes with no cookie at all, then 401 unauthorized; header mode without a token stays 400', async () => {
    const cookieMode = await t.http.post('/v1/auth/refresh').set('X-Auth-Mode', 'cookie').send();
    const headerMode = await t.http.post('/v1/auth/refresh').send({});

    expect(cookieMode.status).toBe(401);
    expect(cookieMode.body.code).toBe('unauthorized');
    expect(headerMode.status).toBe(400);
    expect(headerMode.body.errors).toEqual([{ field: 'refreshToken', message: 'refreshToken is required' }]);
  });

  it('when a header-mode client logs out with its refresh token and no access token, then the session is revoked', async () => {
    const email = ACCOUNTS[18];
    await t.http.post('/v1/otp/request').send({ email });
    const signedIn = await t.http.post('/v1/otp/verify').send({ email, code: CODE });

    const res = await t.http.post('/v1/auth/logout').send({ refreshToken: signedIn.body.refreshToken });

    expect(res.status).toBe(204);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await t.container.store.sessions.findById(signedIn.body.session.id))?.revokedAt).not.toBeNull();
  });

  it('when the browser already holds cookies (planted or old) at sign-in, then new values are set and the planted ones are never used', async () => {
    const old = jarOf(await cookieSignIn(t, next()));
    const email = next();
    await t.http.post('/v1/otp/request').send({ email });

    const res = await t.http
      .post('/v1/otp/verify')
      .set('X-Auth-Mode', 'cookie')
      .set('Cookie', `__Host-refresh=${old.refresh}; __Host-csrf=${old.csrf}`)
      .send({ email, code: CODE });

    const fresh = jarOf(res);
    expect(fresh.sessionId).not.toBe(old.sessionId);
    expect(fresh.refresh).not.toBe(old.refresh);
    expect(fresh.csrf).not.toBe(old.csrf);
    expect((await storedToken(t, fresh.refresh))?.sessionId).toBe(fresh.sessionId);
  });

  it('when cookie-mode sign-ins, refreshes and logouts ran, then no log line holds a refresh cookie or CSRF token', async () => {
    const jar = jarOf(await cookieSignIn(t, next()));
    const refreshed = await fromApp(t, '/v1/auth/refresh', jar);
    await fromApp(t, '/v1/auth/logout', jarOf(refreshed)).send();

    const logs = t.rawLogs.join('\n');
    for (const secret of [jar.refresh, jar.csrf, jarOf(refreshed).refresh, jarOf(refreshed).csrf])
      expect(logs).not.toContain(secret);
  });

  it('when a signed-in browser steps up in cookie mode, then the new pair is set in cookies, not in the body', async () => {
    const email = next();
    const jar = jarOf(await cookieSignIn(t, email));
    const bearer = { Authorization: `Bearer ${jar.accessToken}` };
    t.clock.advance(61_000);
    expect((await t.http.post('/v1/auth/step-up/email').set(bearer)).status).toBe(202);

    const res = await t.http
      .post('/v1/auth/step-up')
      .set(bearer)
      .set('X-Auth-Mode', 'cookie')
      .send({ emailCode: CODE });

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'POST', '/v1/auth/step-up');
    expect(res.body.refreshToken).toBeUndefined();
    const after = jarOf(res);
    expect(after.refresh).not.toBe(jar.refresh);
    expect(res.body.csrfToken).toBe(after.csrf);
    expect((await fromApp(t, '/v1/auth/refresh', after)).status).toBe(200);
  });
});
