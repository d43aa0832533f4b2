import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
 * Each view of the hosted page in English and German, at phone and desktop widths, saved as
 * test artefacts (test-artifacts/screenshots/, gitignored); and the page's layout and keyboard
 * order at the narrowest phone width the page supports (375 px).
 */

const LOCALES = [
  ['en', 'en-US'],
  ['de', 'de-DE'],
] as const;
const SIZES = { phone: PHONE, desktop: DESKTOP };
const VIEWS = ['email', 'code', 'account'] as const;

/** Whether the page scrolls sideways (anything wider than the viewport). */
const overflows = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');

describeWith('chromium', 'hosted page in Chromium: screenshots and layout', () => {
  let browser: Browser;
  let app: HostedApp;
  let dir: string;
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startHostedApp()]);
    dir = ensureScreenshotDir();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each(LOCALES)(
    'when the page is shown in %s, then each view is saved at phone and desktop widths',
    async (lang, locale) => {
      const files = VIEWS.flatMap((view) =>
        Object.keys(SIZES).map((size) => join(dir, `${view}-${lang}-${size}.png`)),
      );
      for (const file of files) rmSync(file, { force: true });
      const context = await newContext(browser, locale, PHONE);
      const page = await context.newPage();
      const shoot = async (view: string) => {
        for (const [size, viewport] of Object.entries(SIZES)) {
          await page.setViewportSize(viewport);
          expect(await overflows(page)).toBe(false);
          await page.screenshot({ path: join(dir, `${view}-${lang}-${size}.png`), fullPage: true });
        }
      };
      const email = `shots-${lang}@example.com`;
      await page.goto(app.origin);
      await page.locator('#view-email').waitFor();
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang);
      await shoot('email');
      await page.locator('#email').fill(email);
      await page.locator('#email-form button[type=submit]').click();
      await page.locator('#view-code').waitFor();
      await shoot('code');
      await page.locator('#digit-1').focus();
      await page.keyboard.type(await app.codeFor(email));
      await page.locator('#view-account').waitFor();
      await shoot('account');

      for (const file of files) expect(statSync(file).size).toBeGreaterThan(1000);
      await context.close();
    },
  );

  it('when the page is 375 px wide and walked with Tab, then nothing scrolls sideways and focus follows the reading order', async () => {
    const context = await newContext(browser, 'en-US', { width: 375, height: 700 });
    const page = await context.newPage();
    await page.goto(app.origin);
    await page.locator('#view-email').waitFor();
    expect(await overflows(page)).toBe(false);
    const order: string[] = [];
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate<string>('document.activeElement.id || document.activeElement.textContent'),
      );
    }
    expect(order).toEqual(['email', 'Send code']);
    await page.locator('#email').fill('narrow@example.com');
    await page.keyboard.press('Enter');
    await page.locator('#view-code').waitFor();
    expect(await overflows(page)).toBe(false);
    const boxes = await page.locator('input.digit').all();
    const widths = await Promise.all(boxes.map(async (box) => (await box.boundingBox())!.width));
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(40);
    await context.close();
  });
});
