import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { describeEachStorage } from '../helpers/services';
import {
  FIREFOX_LINUX,
  FIREFOX_LINUX_NEXT,
  SAFARI_IPHONE,
  freshEmail,
  linkOf,
  notices,
  signInWith,
} from './new-device-fixtures';

/** The new-sign-in email (a device not seen before), its single-use revoke link, and the parsed device. */

type Storage = 'pglite' | 'postgres';

describeEachStorage<Storage>(['pglite', 'postgres'], 'new-sign-in email on %s', (storage) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ storage, env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => t.close());

  it('when an account signs in first, then no email; from a second device, then one with device, time and network', async () => {
    const email = freshEmail('second');
    await signInWith(t, email, FIREFOX_LINUX);
    expect(notices(t, email)).toHaveLength(0);

    await signInWith(t, email, SAFARI_IPHONE, '198.51.100.23');

    const [notice] = notices(t, email);
    expect(notices(t, email)).toHaveLength(1);
    expect(notice.text).toContain('Mobile Safari 17');
    expect(notice.text).toContain('iOS 17');
    expect(notice.text).toContain('198.51.100.0/24');
    expect(notice.text).not.toContain('198.51.100.23');
    expect(notice.text).toMatch(/UTC/);
    expect(JSON.stringify(t.logs)).not.toContain(linkOf(t, email).split('token=')[1]);
  });

  it('when a known device signs in again (even after a browser update), then no email', async () => {
    const email = freshEmail('known');
    await signInWith(t, email, FIREFOX_LINUX);
    await signInWith(t, email, SAFARI_IPHONE);
    await signInWith(t, email, FIREFOX_LINUX);
    await signInWith(t, email, FIREFOX_LINUX_NEXT);
    await signInWith(t, email, SAFARI_IPHONE);
    expect(notices(t, email)).toHaveLength(1);
  });

  it('when the link is opened (GET), then a script-free page and the session still works; POST revokes it once', async () => {
    const email = freshEmail('link');
    await signInWith(t, email, FIREFOX_LINUX);
    const stranger = await signInWith(t, email, SAFARI_IPHONE);
    const link = linkOf(t, email);

    const page = await t.http.get(link);
    expect(page.status).toBe(200);
    expectMatchesOpenApi(page, 'GET', '/v1/sessions/revoke-link');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    expect(page.text).toContain('<form method="post" action="/v1/sessions/revoke-link?token=');
    const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${stranger.accessToken}`);
    expect(me.status).toBe(200);

    const revoked = await t.http.post(link);
    expect(revoked.status).toBe(200);
    expectMatchesOpenApi(revoked, 'POST', '/v1/sessions/revoke-link');
    const after = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${stranger.accessToken}`);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('invalid_token');
    const refreshed = await t.http.post('/v1/auth/refresh').send({ refreshToken: stranger.refreshToken });
    expect(refreshed.status).toBe(401);

    const again = await t.http.post(link);
    expect(again.status).toBe(410);
    expectMatchesOpenApi(again, 'POST', '/v1/sessions/revoke-link');
    expect(t.rawLogs.join('\n')).not.toContain(link.split('token=')[1].split('.')[1]);
  });

  it('when the link is tampered with, then GET and POST answer 404 and nothing is revoked; no token is 400', async () => {
    const email = freshEmail('tamper');
    await signInWith(t, email, FIREFOX_LINUX);
    const stranger = await signInWith(t, email, SAFARI_IPHONE);
    const link = linkOf(t, email);
    const [payload, mac] = link.split('token=')[1].split('.');
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { e: number };
    forged.e += 86_400_000;
    const tampered = [
      `/v1/sessions/revoke-link?token=${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`,
      `/v1/sessions/revoke-link?token=${payload}.${mac.slice(0, -2)}AA`,
    ];

    for (const path of tampered) {
      expect((await t.http.get(path)).status).toBe(404);
      const res = await t.http.post(path);
      expect(res.status).toBe(404);
      expectMatchesOpenApi(res, 'POST', '/v1/sessions/revoke-link');
    }
    const missing = await t.http.post('/v1/sessions/revoke-link?token=not-a-token');
    expect(missing.status).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${stranger.accessToken}`);
    expect(me.status).toBe(200);
  });

  it('when the link has expired (7 days), then POST answers 404 and the session stays', async () => {
    const email = freshEmail('expired');
    await signInWith(t, email, FIREFOX_LINUX);
    await signInWith(t, email, SAFARI_IPHONE);
    const link = linkOf(t, email);
    t.clock.advance(7 * 86_400_000 + 1000);
    expect((await t.http.post(link)).status).toBe(404);
  });

  it('when sessions are listed, then each carries the device parsed from its user agent', async () => {
    const email = freshEmail('list');
    const phone = await signInWith(t, email, SAFARI_IPHONE);
    await signInWith(t, email, FIREFOX_LINUX);

    const res = await t.http.get('/v1/sessions').set('Authorization', `Bearer ${phone.accessToken}`);

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/v1/sessions');
    expect(res.body.data.map((s: { device: unknown }) => s.device)).toEqual([
      { browser: 'Firefox 133', os: 'Linux', type: 'desktop' },
      { browser: 'Mobile Safari 17', os: 'iOS 17', type: 'mobile' },
    ]);
  });
});
