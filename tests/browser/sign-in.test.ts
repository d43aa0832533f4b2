import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { describeWith } from '../helpers/services';
import { launchChromium, newContext, signInWithCode, startHostedApp, type HostedApp } from './hosted-app';

/**
 * The hosted page in Chromium (docs/api.md, "Hosted sign-in page"): the code, the cookie
 * session across reloads and tabs, signing out, and signing out everywhere else behind a
 * TOTP step-up.
 */

let seq = 0;
const freshEmail = () => `browser-${++seq}@example.com`;

/** An independent RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s), not the service's code. */
function totp(base32: string, atMs: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const sessionItems = (page: Page) => page.locator('#sessions li');

describeWith('chromium', 'hosted page in Chromium: code, reloads, tabs, sign-out', () => {
  let browser: Browser;
  let app: HostedApp;
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startHostedApp()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('when a code is typed short, wrong, then pasted whole, then errors are announced and the paste signs in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const email = freshEmail();
    await page.goto(app.origin);
    await page.getByLabel('Email address').fill('not-an-address');
    await page.getByRole('button', { name: 'Send code' }).click();
    await expectAlert(page, '#email-error', 'Enter a valid email address.');
    await expect(page.getByLabel('Email address').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Email address').fill(email);
    await page.keyboard.press('Enter');
    const code = await app.codeFor(email);
    await expect(focusedId(page)).resolves.toBe('digit-1');
    await page.keyboard.type('12');
    // Backspace in the empty third box clears the second and stays there.
    await page.keyboard.press('Backspace');
    expect(await digits(page)).toBe('1');
    await expect(focusedId(page)).resolves.toBe('digit-2');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectAlert(page, '#code-error', 'Enter every digit of the code.');
    const wrong = code.replace(/^./, (d) => String((Number(d) + 1) % 10));
    await page.keyboard.type(wrong);
    await expectAlert(
      page,
      '#code-error',
      'That code is wrong or has expired. Check it, or ask for a new one.',
    );
    expect(await digits(page)).toBe('');

    await page.locator('#digit-3').focus();
    await pasteInto(page, ` ${code.slice(0, 3)}-${code.slice(3)} `);
    await page.locator('#view-account').waitFor();
    await expect(page.locator('#account-email').textContent()).resolves.toBe(email);
    await expect(sessionItems(page).count()).resolves.toBe(1);
    await expect(sessionItems(page).first().innerText()).resolves.toMatch(
      /^Chrome Headless \d+ on Linux This device\n/,
    );
    await context.close();
  });

  it('when the page is reloaded, and then two tabs reload at once, then every tab stays signed in on its one session', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const email = freshEmail();
    await signInWithCode(page, app, email);
    const refreshes: number[] = [];
    context.on('response', (r) => r.url().endsWith('/v1/auth/refresh') && refreshes.push(r.status()));

    await page.reload();
    await page.locator('#view-account').waitFor();
    const second = await context.newPage();
    await second.goto(app.origin);
    await second.locator('#view-account').waitFor();
    await Promise.all([page.reload(), second.reload()]);

    for (const tab of [page, second]) {
      await tab.locator('#view-account').waitFor();
      await expect(tab.locator('#account-email').textContent()).resolves.toBe(email);
      await expect(sessionItems(tab).count()).resolves.toBe(1);
    }
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect(refreshes.every((status) => status === 200)).toBe(true);
    // Still one live session: no refresh was taken for a reuse (which would revoke it).
    await page.reload();
    await page.locator('#view-account').waitFor();
    await expect(sessionItems(page).count()).resolves.toBe(1);
    await context.close();
  });

  it('when one tab signs out, then the other follows, and a reload shows the email form', async () => {
    const context = await newContext(browser);
    const [page, other] = [await context.newPage(), await context.newPage()];
    await signInWithCode(page, app, freshEmail());
    await other.goto(app.origin);
    await other.locator('#view-account').waitFor();

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('#view-email').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe('You are signed out.');
    await other.locator('#view-email').waitFor();
    expect((await context.cookies()).filter((c) => c.name.startsWith('__Host-'))).toEqual([]);
    await page.reload();
    await page.locator('#view-email').waitFor();
    await context.close();
  });

  it('when the sign-in is older than the step-up window and there is no TOTP, then the page mails a step-up code', async () => {
    const email = freshEmail();
    const other = await app.t.signIn(email);
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInWithCode(page, app, email);
    app.t.clock.advance(301_000);
    const before = app.t.mailer.to(email).length;

    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.locator('#view-step-up').waitFor();
    await expect(page.locator('#step-up-label').textContent()).resolves.toBe('Code from the email');
    // The step-up email's code (a new-sign-in notice may arrive in between).
    await page.getByLabel('Code from the email').fill(await codeSince(app, email, before));
    await page.getByRole('button', { name: 'Confirm' }).click();

    await page.locator('#view-account').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe('Every other session is signed out.');
    await expect(sessionItems(page).count()).resolves.toBe(1);
    expect(
      (await app.t.http.post('/v1/auth/refresh').send({ refreshToken: other.refreshToken })).status,
    ).toBe(401);
    await context.close();
  });

  it('when the user has TOTP and signs out everywhere else, then the page asks for the code and the other sessions end', async () => {
    const email = freshEmail();
    const api = await app.t.signIn(email);
    const enrol = await app.t.http.post('/v1/mfa/totp').set('Authorization', `Bearer ${api.accessToken}`);
    const secret = enrol.body.secret as string;
    const confirm = await app.t.http
      .post('/v1/mfa/totp/confirm')
      .set('Authorization', `Bearer ${api.accessToken}`)
      .send({ code: totp(secret, app.t.clock.now().getTime()) });
    expect(confirm.status).toBe(200);
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInWithCode(page, app, email);
    await expect(sessionItems(page).count()).resolves.toBe(2);

    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.locator('#view-step-up').waitFor();
    await expect(focusedId(page)).resolves.toBe('step-up-code');
    app.t.clock.advance(30_000);
    await page.getByLabel('Authenticator code').fill(totp(secret, app.t.clock.now().getTime()));
    await page.getByRole('button', { name: 'Confirm' }).click();

    await page.locator('#view-account').waitFor();
    await expect(page.locator('#status').textContent()).resolves.toBe('Every other session is signed out.');
    await expect(sessionItems(page).count()).resolves.toBe(1);
    const refused = await app.t.http.post('/v1/auth/refresh').send({ refreshToken: api.refreshToken });
    expect(refused.status).toBe(401);
    await context.close();
  });
});

/** What the page runs is given as text: the tests are compiled without the DOM's types. */
const focusedId = (page: Page) => page.evaluate<string | undefined>('document.activeElement?.id');

/** The code of the first email to `email` after the `before`th that carries one. */
async function codeSince(app: HostedApp, email: string, before: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const codes = app.t.mailer
      .to(email)
      .slice(before)
      .map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]);
    const code = codes.find(Boolean);
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no step-up code to ${email}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function digits(page: Page): Promise<string> {
  const boxes = await page.locator('input.digit').all();
  return (await Promise.all(boxes.map((box) => box.inputValue()))).join('');
}

/** A paste of `text` into the focused element, as the clipboard delivers it. */
const pasteInto = (page: Page, text: string) =>
  page.evaluate(`(() => {
    const data = new DataTransfer();
    data.setData('text/plain', ${JSON.stringify(text)});
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  })()`);

/** The message is in its role="alert" paragraph (which screen readers announce). */
async function expectAlert(page: Page, selector: string, text: string): Promise<void> {
  const alert = page.locator(selector);
  await expect(alert.getAttribute('role')).resolves.toBe('alert');
  await page.locator(selector, { hasText: text }).waitFor();
  await expect(alert.textContent()).resolves.toBe(text);
}
