import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describeWith } from '../helpers/services';
import {
  DESKTOP,
  ensureScreenshotDir,
  launchChromium,
  newContext,
  PHONE,
  startHostedApp,
  type HostedApp,
} from './hosted-app';

/**
 * The other way in from the code view: the link in the email. Its page (GET, which consumes
 * nothing) is confirmed with its button; the browser lands signed in on the hosted page, and
 * the tab that asked for the code follows (the library's tab channel).
 */

describeWith('chromium', 'hosted page in Chromium: the link in the email', () => {
  let browser: Browser;
  let app: HostedApp;
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startHostedApp()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const linkIn = (email: string): string => {
    const text = app.t.mailer.to(email).at(-1)?.text ?? '';
    const link = /https?:\/\/\S+\/v1\/auth\/magic\/[\w-]+/.exec(text)?.[0];
    if (!link) throw new Error('no sign-in link in the email');
    return link;
  };

  it('when the link is opened and confirmed, then that tab and the one waiting on the code view are signed in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const email = 'magic-browser@example.com';
    await page.goto(app.origin);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#view-code').waitFor();
    await app.codeFor(email);

    const mail = await context.newPage();
    await mail.goto(linkIn(email));
    await mail.getByRole('button', { name: 'Sign in on this device' }).click();
    await mail.waitForURL(`${app.origin}/`);
    await mail.locator('#view-account').waitFor();
    await expect(mail.locator('#account-email').textContent()).resolves.toBe(email);
    await page.locator('#view-account').waitFor();
    await expect(page.locator('#sessions li').count()).resolves.toBe(1);

    // The code of the same email was used up with the link.
    const refused = await app.t.http
      .post('/v1/otp/verify')
      .send({ email, code: app.t.mailer.lastCode(email) });
    expect(refused.status).toBe(401);
    await context.close();
  });

  it.each([
    ['en', 'en-US'],
    ['de', 'de-DE'],
  ])(
    'when the link page is shown in %s, then it is saved at phone and desktop widths',
    async (lang, locale) => {
      const dir = ensureScreenshotDir();
      const context = await newContext(browser, locale, PHONE);
      const email = `magic-shot-${lang}@example.com`;
      await app.t.http.post('/v1/otp/request').send({ email });
      await app.codeFor(email);
      const page = await context.newPage();
      await page.goto(linkIn(email));
      for (const [size, viewport] of Object.entries({ phone: PHONE, desktop: DESKTOP })) {
        const file = join(dir, `magic-link-${lang}-${size}.png`);
        await page.setViewportSize(viewport);
        await page.screenshot({ path: file, fullPage: true });
        expect(statSync(file).size).toBeGreaterThan(1000);
      }
      await context.close();
    },
  );
});
