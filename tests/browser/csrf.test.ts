import { createServer, type Server } from 'node:http';
import type { Browser, Response } from 'playwright-core';
import { describeWith } from '../helpers/services';
import {
  closeServer,
  launchChromium,
  listenOn,
  newContext,
  signInWithCode,
  startHostedApp,
  type HostedApp,
} from './hosted-app';

/**
 * A page of another origin posts to refresh and logout with the user's cookies: the CSRF
 * defence of cookie mode refuses both (403 csrf_failed) and nothing changes (docs/security.md).
 * `localhost:<other port>` is the same site as the service, so SameSite=Strict lets the
 * browser send the cookies and only the Origin and double-submit checks stand in the way;
 * `127.0.0.1` is another site, whose requests get no cookies at all.
 */

/**
 * The attacker's page: simple requests, which need no preflight: a form posted (top-level, so
 * the answer is shown) and a no-cors fetch (its answer is opaque, then blocked by CORP).
 */
const attackerPage = (api: string) => `<!DOCTYPE html><html><head><title>other origin</title></head><body>
<form id="refresh" method="post" action="${api}/v1/auth/refresh"></form>
<form id="logout" method="post" action="${api}/v1/auth/logout"></form>
<script>
window.attack = () => Promise.allSettled(['/v1/auth/refresh', '/v1/auth/logout'].map((path) =>
  fetch(${JSON.stringify(api)} + path, { method: 'POST', mode: 'no-cors', credentials: 'include' })));
</script></body></html>`;

describeWith('chromium', 'hosted page in Chromium: requests from another origin', () => {
  let browser: Browser;
  let app: HostedApp;
  let other: Server;
  let otherPort: number;
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startHostedApp()]);
    other = createServer((_req, res) =>
      res.setHeader('Content-Type', 'text/html').end(attackerPage(app.origin)),
    );
    otherPort = await listenOn(other);
  });
  afterAll(async () => {
    await browser?.close();
    if (other) await closeServer(other);
    await app?.close();
  });

  it.each([
    ['localhost', 'the same site: cookies sent, 403 csrf_failed'],
    ['127.0.0.1', 'another site: no cookies sent, refused'],
  ])(
    'when a page on %s:<other port> posts to refresh and logout (%s), then the session is unchanged',
    async (host) => {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signInWithCode(page, app, `csrf-${host}@example.com`);
      const cookiesBefore = await context.cookies(app.origin);
      const answers: Response[] = [];
      context.on('response', (r) => r.url().startsWith(`${app.origin}/v1/auth/`) && answers.push(r));

      const attacker = await context.newPage();
      const url = `http://${host}:${otherPort}/`;
      await attacker.goto(url);
      await attacker.evaluate('window.attack()');
      for (const form of ['refresh', 'logout']) {
        await attacker.goto(url);
        const [answer] = await Promise.all([
          attacker.waitForResponse(`${app.origin}/v1/auth/${form}`),
          attacker.locator(`#${form}`).evaluate((f) => (f as unknown as { submit(): void }).submit()),
        ]);
        const body = await answer.json();
        if (host === 'localhost') expect([answer.status(), body.code]).toEqual([403, 'csrf_failed']);
        else expect(answer.status()).toBeGreaterThanOrEqual(400);
      }

      expect(answers.filter((r) => r.status() < 400)).toEqual([]);
      expect(await context.cookies(app.origin)).toEqual(cookiesBefore);
      await page.reload();
      await page.locator('#view-account').waitFor();
      await expect(page.locator('#sessions li').count()).resolves.toBe(1);
      await context.close();
    },
  );
});
