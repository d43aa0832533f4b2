import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { fromApp, setCookies } from './cookie-mode-fixtures';
import { describeEachStorage } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  MAGIC_ENV,
  REDIRECT,
  confirm,
  freshEmail,
  requestLink,
  sessionsOf,
  verify,
} from './magic-link-fixtures';

/**
 * The sign-in link of the code email (docs/security.md, "Sign-in links"): opening it (GET, HEAD)
 * consumes nothing, its POST signs the browser in with the cookie-mode cookies, and the link and
 * its code consume each other.
 */
type Storage = 'pglite' | 'postgres';
const DOC_PATH = '/v1/auth/magic/{token}';

describeEachStorage<Storage>(['pglite', 'postgres'], 'sign-in links on %s', (storage) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage, env: MAGIC_ENV });
  });
  afterAll(async () => t.close());

  it('when a scanner GETs and HEADs the link, then it gets the confirmation page and nothing is consumed: the code still signs in', async () => {
    const email = freshEmail('scanner');
    const { code, path } = await requestLink(t, email);

    const page = await t.http.get(path);
    const head = await t.http.head(path);
    const again = await t.http.get(path).set('User-Agent', 'Mozilla/5.0 (compatible; Safe Links scanner)');

    expect(page.status).toBe(200);
    expectMatchesOpenApi(page, 'GET', DOC_PATH);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; form-action 'self'/);
    expect(page.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    expect(page.text).toContain(`<form method="post" action="${path}">`);
    expect(page.text).toContain('sign in to OTP Login on this device, in this browser');
    expect(page.text).toContain(email);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(head.status).toBe(200);
    expectMatchesOpenApi(head, 'HEAD', DOC_PATH);
    expect(head.text ?? '').toBe('');
    expect(again.status).toBe(200);
    expect(await sessionsOf(t, email)).toBe(0);

    const signedIn = await verify(t, email, code);
    expect(signedIn.status).toBe(200);
  });

  it('when the page is confirmed (POST), then 303 to the redirect with the cookie-mode cookies; then the code is refused', async () => {
    const email = freshEmail('confirm');
    const { code, path, token } = await requestLink(t, email);

    const res = await confirm(t, path);

    expect(res.status).toBe(303);
    expectMatchesOpenApi(res, 'POST', DOC_PATH);
    expect(res.headers.location).toBe(REDIRECT);
    const cookies = setCookies(res);
    expect(cookies['__Host-refresh'].attributes).toMatchObject({ httponly: '', secure: '', path: '/' });
    expect(cookies['__Host-refresh'].attributes.samesite).toMatch(/^strict$/i);
    expect(Number(cookies['__Host-refresh'].attributes['max-age'])).toBeGreaterThan(0);
    expect(cookies['__Host-csrf'].attributes).not.toHaveProperty('httponly');
    expect(await sessionsOf(t, email)).toBe(1);
    // The app the browser lands on refreshes with the cookies, as cookie mode does after any sign-in.
    const jar = { refresh: cookies['__Host-refresh'].value, csrf: cookies['__Host-csrf'].value };
    const refreshed = await fromApp(t, '/v1/auth/refresh', { ...jar, accessToken: '', sessionId: '' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.email).toBe(email);
    expect(refreshed.body).not.toHaveProperty('refreshToken');

    const withCode = await verify(t, email, code);
    expect(withCode.status).toBe(401);
    expect(withCode.body.code).toBe('invalid_code');
    const twice = await confirm(t, path);
    expect(twice.status).toBe(410);
    expectMatchesOpenApi(twice, 'POST', DOC_PATH);
    expect(twice.headers['set-cookie']).toBeUndefined();
    expect((await t.http.get(path)).status).toBe(410);
    expect(t.rawLogs.join('\n')).not.toContain(token);
    expect(await sessionsOf(t, email)).toBe(1);
  });

  it('when the code signs in first, then the link is dead: its page and POST answer 410 and set nothing', async () => {
    const email = freshEmail('code-first');
    const { code, path } = await requestLink(t, email);
    expect((await verify(t, email, code)).status).toBe(200);

    const page = await t.http.get(path);
    const res = await confirm(t, path);

    expect(page.status).toBe(410);
    expectMatchesOpenApi(page, 'GET', DOC_PATH);
    expect(res.status).toBe(410);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await sessionsOf(t, email)).toBe(1);
  });

  it('when the same link is confirmed twice at once, then exactly one signs in', async () => {
    const email = freshEmail('race');
    const { path } = await requestLink(t, email);

    const answers = await Promise.all([confirm(t, path), confirm(t, path), confirm(t, path)]);

    expect(answers.map((r) => r.status).sort()).toEqual([303, 410, 410]);
    expect(await sessionsOf(t, email)).toBe(1);
  });

  it('when another site posts the link (login CSRF), then 403, nothing is consumed and the link still works', async () => {
    const email = freshEmail('cross-site');
    const { path } = await requestLink(t, email);

    const crossSite = await t.http.post(path).set('Sec-Fetch-Site', 'cross-site');
    const sameSite = await t.http.post(path).set('Sec-Fetch-Site', 'same-site');
    const foreignOrigin = await t.http.post(path).set('Origin', 'https://evil.example.net');

    for (const res of [crossSite, sameSite, foreignOrigin]) {
      expect(res.status).toBe(403);
      expectMatchesOpenApi(res, 'POST', DOC_PATH);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(crossSite.text).toContain('Open the link from your email');
    expect(await sessionsOf(t, email)).toBe(0);
    const listedOrigin = await t.http.post(path).set('Origin', 'http://localhost:3000');
    expect(listedOrigin.status).toBe(303);
  });

  it('when the token is unknown, incomplete or expired, then one and the same 410 page, telling nothing apart', async () => {
    const email = freshEmail('expired');
    const { path, token } = await requestLink(t, email);
    const unknown = await t.http.get(`/v1/auth/magic/${'A'.repeat(22)}`);
    const incomplete = await t.http.get(`/v1/auth/magic/${token.slice(0, 15)}`);
    t.clock.advance(10 * 60_000);
    const expired = await t.http.get(path);
    const expiredPost = await confirm(t, path);

    for (const res of [unknown, incomplete, expired, expiredPost]) {
      expect(res.status).toBe(410);
      expect(res.text).toBe(unknown.text);
    }
    expect(unknown.text).toContain('It has expired, has been used already, or is incomplete.');
    const tooLong = await t.http.get(`/v1/auth/magic/${'A'.repeat(101)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
