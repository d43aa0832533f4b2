import { createTempDatabase } from '../helpers/databases';
import { describeWith } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { LINK_IN_TEXT, MAGIC_ENV, confirm, freshEmail, requestLink } from './magic-link-fixtures';

/** The sign-in link in the code email: its token, both parts of the email, the page's languages, the switch. */
describe('sign-in link in the code email', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: MAGIC_ENV });
  });
  afterAll(async () => t.close());

  it('when codes are emailed, then each carries a link on the public address whose 128-bit token is not the code and differs per request', async () => {
    const email = freshEmail('token');
    const first = await requestLink(t, email);
    const second = await requestLink(t, email);

    for (const { code, token, mail, path } of [first, second]) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(16);
      expect(token).not.toContain(code);
      expect(mail.text).toContain(`http://localhost:5000${path}`);
      expect(mail.html).toContain(`href="http://localhost:5000${path}"`);
      expect(mail.text.indexOf(code)).toBeLessThan(mail.text.indexOf(path));
      expect(mail.text).toContain('It signs in the device and browser you open it in.');
      expect(mail.subject).not.toContain(token);
    }
    expect(first.token).not.toBe(second.token);
    expect(t.rawLogs.join('\n')).not.toContain(first.token);
    // Only the hash is stored: no column of the row holds the token.
    const rows = JSON.stringify(await t.container.store.otps.listNewest(email, 5));
    expect(rows).not.toContain(first.token);
    // The older email's link still works (its code row is pending too); using it consumes both codes.
    expect((await confirm(t, first.path)).status).toBe(303);
    expect((await t.http.get(second.path)).status).toBe(410);
  });

  it('when the page is opened with Accept-Language es, fr or de, then it is in that language and names this device', async () => {
    const email = freshEmail('locale');
    const { path } = await requestLink(t, email);
    const expected: Record<string, string> = {
      es: 'en este dispositivo, en este navegador',
      fr: 'sur cet appareil, dans ce navigateur',
      de: 'auf diesem Gerät in diesem Browser',
    };
    for (const [lang, words] of Object.entries(expected)) {
      const page = await t.http.get(path).set('Accept-Language', `${lang}-XX, en;q=0.5`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<html lang="${lang}">`);
      expect(page.text).toContain(words);
    }
    const gone = await t.http.get('/v1/auth/magic/AAAAAAAAAAAAAAAAAAAAAA').set('Accept-Language', 'de');
    expect(gone.text).toContain('Dieser Anmeldelink funktioniert nicht');
  });

  it('when no redirect is configured, then a confirmed link lands on the hosted page /', async () => {
    const plain = await createTestApp();
    try {
      const email = freshEmail('landing');
      const { path } = await requestLink(plain, email);
      const res = await confirm(plain, path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(res.headers['content-security-policy']).toBeDefined();
    } finally {
      await plain.close();
    }
  });
});

describeWith('postgres', 'OTP_MAGIC_LINK=false (PostgreSQL, two releases over one database)', () => {
  it('when links are turned off, then the email has no link and a link mailed before no longer works', async () => {
    const temp = await createTempDatabase();
    try {
      const on = await createTestApp({ storage: 'postgres', postgresUrl: temp.url, env: MAGIC_ENV });
      const email = freshEmail('off');
      const { path } = await requestLink(on, email);
      await on.close();

      const off = await createTestApp({
        storage: 'postgres',
        postgresUrl: temp.url,
        env: { ...MAGIC_ENV, OTP_MAGIC_LINK: 'false' },
      });
      try {
        expect((await off.http.get(path)).status).toBe(410);
        expect((await confirm(off, path)).status).toBe(410);
        off.clock.advance(61_000);
        await off.requestCode(email);
        const mails = off.mailer.to(email);
        expect(mails).toHaveLength(1);
        expect(mails[0].text).not.toMatch(LINK_IN_TEXT);
        expect(mails[0].html).not.toContain('/v1/auth/magic/');
      } finally {
        await off.close();
      }
    } finally {
      await temp.drop();
    }
  });
});
