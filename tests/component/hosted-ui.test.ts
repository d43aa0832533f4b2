import { HtmlValidate } from 'html-validate';
import { SUPPORTED_LOCALES } from '../../src/modules/email/templates/otp-email.strings';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The hosted sign-in page as the service serves it (docs/api.md, "Hosted sign-in page"): the
 * page per language, its policy, theme and files, and the setting that turns it off. What it
 * does in a browser: tests/browser.
 */

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
const brand = {
  EMAIL_PRODUCT_NAME: 'Acme <Tools> & "Co"',
  EMAIL_PRIMARY_COLOR: '#ffdd00',
  EMAIL_LOGO_URL: 'https://cdn.acme.test/logo.png',
  EMAIL_SUPPORT_ADDRESS: 'help@acme.test',
};

describe('hosted sign-in page (on)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      storage: 'pglite',
      env: { HOSTED_UI_ENABLED: 'true', OTP_LENGTH: '8', ...brand },
    });
  });
  afterAll(async () => t.close());

  it.each(SUPPORTED_LOCALES)(
    'when asked in %s, then the page is in that language and passes html-validate',
    async (locale) => {
      const res = await t.http.get('/').set('Accept-Language', `${locale}-XX,${locale};q=0.9,en;q=0.5`);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-language']).toBe(locale);
      expect(res.headers.vary).toMatch(/Accept-Language/);
      expect(res.text).toMatch(new RegExp(`^<!DOCTYPE html>\\n<html lang="${locale}"`));
      const report = await validator.validateString(res.text);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    },
  );

  it('when the languages are compared, then each has its own wording', async () => {
    const titles = await Promise.all(
      SUPPORTED_LOCALES.map(async (locale) => {
        const res = await t.http.get('/').set('Accept-Language', locale);
        return /<title>(.*)<\/title>/.exec(res.text)?.[1];
      }),
    );
    expect(new Set(titles).size).toBe(SUPPORTED_LOCALES.length);
    expect(titles[0]).toBe('Sign in to Acme &lt;Tools&gt; &amp; &quot;Co&quot;');
  });

  it('when served, then the policy allows no inline script or style, only this origin and the logo', async () => {
    const res = await t.http.get('/');
    const csp = res.headers['content-security-policy'];

    expect(csp.split(';')).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' https://cdn.acme.test",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ]);
    expect(res.text).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    // One module script from this origin; the other block is JSON data, never run.
    expect([...res.text.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual([
      '<script type="module" src="/ui/app.js">',
      '<script type="application/json" id="ui-strings">',
    ]);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('when rendered, then the brand settings show: escaped name, logo, support address, one box per digit', async () => {
    const res = await t.http.get('/');

    expect(res.text).toContain(
      '<img class="logo" src="https://cdn.acme.test/logo.png" alt="Acme &lt;Tools&gt; &amp; &quot;Co&quot;">',
    );
    expect(res.text).toContain('<a href="mailto:help@acme.test">help@acme.test</a>');
    expect(res.text).not.toContain('<Tools>');
    expect(res.text.match(/class="digit"/g)).toHaveLength(8);
    expect(res.text).toContain('aria-label="Digit 8 of 8"');
    const strings = JSON.parse(
      /<script type="application\/json" id="ui-strings">(.*?)<\/script>/.exec(res.text)![1],
    );
    expect(strings.errors.invalidCode).toMatch(/wrong/);
  });

  it('when the theme is asked for, then it carries the brand colour and readable text colours', async () => {
    const res = await t.http.get('/ui/theme.css');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.text).toContain('--brand: #ffdd00;');
    expect(res.text).toContain('--on-brand: #111827;');
  });

  it.each([
    ['/ui/app.js', /^text\/javascript/],
    ['/ui/code-boxes.js', /^text\/javascript/],
    ['/ui/app.css', /^text\/css/],
  ])('when %s is asked for, then it is served as written, revalidated by ETag', async (path, type) => {
    const res = await t.http.get(path);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
    expect(res.headers['cache-control']).toBe('no-cache');
    const again = await t.http.get(path).set('If-None-Match', res.headers.etag);
    expect(again.status).toBe(304);
  });

  it.each([
    '/ui/missing.js',
    '/ui/../package.json',
    '/ui/%2e%2e/package.json',
    '/ui/%E0%A4%A',
    '/ui/',
    '/index.html',
  ])('when %s is asked for, then 404 problem+json and no file outside the folder', async (path) => {
    const res = await t.http.get(path);

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('when the API is asked for, then the page changes nothing there', async () => {
    expect((await t.http.get('/v1/users/me')).status).toBe(401);
    expect((await t.http.get('/health/live')).status).toBe(200);
  });
});

describe('hosted sign-in page (HOSTED_UI_ENABLED=false)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { HOSTED_UI_ENABLED: 'false' } });
  });
  afterAll(async () => t.close());

  it.each(['/', '/ui/app.js', '/ui/theme.css'])(
    'when %s is asked for, then 404 problem+json as before',
    async (path) => {
      const res = await t.http.get(path);

      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    },
  );
});
