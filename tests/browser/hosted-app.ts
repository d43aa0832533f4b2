import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildClientBundle } from '../helpers/client-bundle';
import { createTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app';
import { CHROMIUM_PATH } from '../setup/services';

/** Where the screenshots go (gitignored; CI keeps the folder as the run's artefacts). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** One Chromium per test file (each a few hundred MB); contexts are cheap and isolated. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** A free TCP port on the loopback (the app must know its own address before it starts). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

export async function listenOn(server: Server, port = 0): Promise<number> {
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
}

export interface HostedApp {
  t: TestApp;
  /** `http://localhost:<port>`: Chromium treats localhost as secure, so `__Host-` cookies work. */
  origin: string;
  /** The code in the newest email to `email`, once the `count`th email to it has arrived. */
  codeFor(email: string, count?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app (composition root, PostgreSQL or PGlite, the recording mailer of the other
 * tests) with the hosted page on and the library bundled as `npm run build` bundles it,
 * listening on an ephemeral port of the loopback.
 */
export async function startHostedApp(options: TestAppOptions = {}): Promise<HostedApp> {
  const bundle = buildClientBundle();
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const t = await createTestApp({
    ...options,
    env: { HOSTED_UI_ENABLED: 'true', PUBLIC_URL: origin, CORS_ORIGIN: origin, ...options.env },
    overrides: { clientScriptPath: bundle.path, ...options.overrides },
  });
  const server = createServer(t.app);
  await listenOn(server, port);
  return {
    t,
    origin,
    async codeFor(email, count = 1) {
      const deadline = Date.now() + 10_000;
      while (t.mailer.to(email).length < count) {
        if (Date.now() > deadline) throw new Error(`no email number ${count} to ${email}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return t.mailer.lastCode(email);
    },
    async close() {
      await closeServer(server);
      await t.close();
      bundle.remove();
    },
  };
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** A fresh browser profile (its own cookies and storage) speaking `locale`. */
export function newContext(
  browser: Browser,
  locale = 'en-US',
  viewport: { width: number; height: number } = DESKTOP,
): Promise<BrowserContext> {
  return browser.newContext({ locale, viewport });
}

/** Signs in through the hosted page with the emailed code; resolves on the signed-in view. */
export async function signInWithCode(page: Page, app: HostedApp, email: string): Promise<void> {
  const before = app.t.mailer.to(email).length;
  await page.goto(app.origin);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send code' }).click();
  const code = await app.codeFor(email, before + 1);
  await page.locator('#digit-1').waitFor();
  await page.keyboard.type(code);
  await page.locator('#view-account').waitFor();
}

export function ensureScreenshotDir(): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return SCREENSHOT_DIR;
}
