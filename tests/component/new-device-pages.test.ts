import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { FIREFOX_LINUX, SAFARI_IPHONE, freshEmail, linkOf, signInWith } from './new-device-fixtures';

/**
 * The pages of the new-sign-in email's link in the reader's language: the request's
 * Accept-Language, resolved as for the emails (en, es, fr, de), English for anything else.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } });
});
afterAll(async () => t?.close());

/** A fresh revoke link: an account's second device. */
async function freshLink(label: string): Promise<string> {
  const email = freshEmail(label);
  await signInWith(t, email, FIREFOX_LINUX);
  await signInWith(t, email, SAFARI_IPHONE);
  return linkOf(t, email);
}

const forged = (link: string) => `${link.slice(0, -4)}AAAA`;
const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
const lang = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];

describe('the revoke-link pages, localised', () => {
  it('when the reader asks for German, then every page (confirm, done, used, not valid) is in German with lang="de"', async () => {
    const link = await freshLink('de');
    const de = 'de-DE,de;q=0.9,en;q=0.5';

    const confirm = await t.http.get(link).set('Accept-Language', de);
    expect(confirm.status).toBe(200);
    expectMatchesOpenApi(confirm, 'GET', '/v1/sessions/revoke-link');
    expect(lang(confirm.text)).toBe('de');
    expect(title(confirm.text)).toBe('Dieses Gerät abmelden?');
    expect(confirm.text).toContain('<button type="submit">Dieses Gerät abmelden</button>');
    expect(confirm.headers['content-language']).toBe('de');
    expect(confirm.headers.vary).toMatch(/Accept-Language/i);

    const done = await t.http.post(link).set('Accept-Language', de);
    expect(done.status).toBe(200);
    expect([lang(done.text), title(done.text)]).toEqual(['de', 'Gerät abgemeldet']);
    const used = await t.http.post(link).set('Accept-Language', de);
    expect(used.status).toBe(410);
    expect([lang(used.text), title(used.text)]).toEqual(['de', 'Link bereits verwendet']);
    const invalid = await t.http.get(forged(link)).set('Accept-Language', de);
    expect(invalid.status).toBe(404);
    expect([lang(invalid.text), title(invalid.text)]).toEqual(['de', 'Link ungültig']);
    expect(invalid.text).toContain('Dieser Link ist ungültig oder abgelaufen.');
  });

  it.each([
    ['es-MX', 'es', 'Enlace no válido'],
    ['fr;q=0.8, en;q=0.5', 'fr', 'Lien non valide'],
  ])(
    'when the reader asks for %s, then the not-valid page is in that language',
    async (header, code, text) => {
      const res = await t.http.post(forged(await freshLink(code))).set('Accept-Language', header);
      expect(res.status).toBe(404);
      expect([lang(res.text), title(res.text)]).toEqual([code, text]);
    },
  );

  it.each([
    ['a language the service does not have', 'ja, zh-CN;q=0.8'],
    ['no Accept-Language at all', undefined],
    ['a header that is only noise', ';;q=x,*'],
  ])('when the reader sends %s, then the pages fall back to English', async (_case, header) => {
    const link = await freshLink('fallback');
    const get = t.http.get(link);
    const confirm = header === undefined ? await get : await get.set('Accept-Language', header);
    expect(confirm.status).toBe(200);
    expect([lang(confirm.text), title(confirm.text)]).toEqual(['en', 'Sign out that device?']);
    expect(confirm.headers['content-language']).toBe('en');
    const post = t.http.post(link);
    const done = header === undefined ? await post : await post.set('Accept-Language', header);
    expect([lang(done.text), title(done.text)]).toEqual(['en', 'Device signed out']);
  });
});
