import { HtmlValidate } from 'html-validate';
import {
  SUPPORTED_LOCALES,
  renderOtpEmail,
  type EmailBrand,
} from '../../src/modules/email/templates/otp-email.template';

const brand: EmailBrand = { productName: 'Acme', primaryColor: '#0f766e' };
const LINK = 'https://login.acme.test/v1/auth/magic/AbCdEfGhIjKlMnOpQrStUv';
const BUTTON = {
  en: 'Sign in to Acme',
  es: 'Iniciar sesión en Acme',
  fr: 'Se connecter à Acme',
  de: 'Bei Acme anmelden',
};
const THIS_DEVICE = {
  en: 'signs in the device and browser you open it in',
  es: 'en el dispositivo y el navegador en que lo abras',
  fr: 'connecte l’appareil et le navigateur dans lesquels vous l’ouvrez',
  de: 'meldet das Gerät und den Browser an, in dem Sie ihn öffnen',
};

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'no-inline-style': 'off', 'no-deprecated-attr': 'off' },
});

describe('the sign-in link in the code email', () => {
  describe.each(SUPPORTED_LOCALES)('when rendered in %s with a link', (locale) => {
    const email = renderOtpEmail({ code: '482913', linkUrl: LINK, expiresInMinutes: 10, locale, brand });

    it('then the text carries the link after the code, with the words that it signs in this device', () => {
      expect(email.text).toContain(`\n${LINK}\n`);
      expect(email.text.indexOf('482913')).toBeLessThan(email.text.indexOf(LINK));
      expect(email.text).toContain(THIS_DEVICE[locale]);
    });

    it('then the html carries it as a button in the brand colour, and still validates', async () => {
      expect(email.html).toContain(`<a href="${LINK}"`);
      expect(email.html).toContain(`background-color:#0f766e;`);
      expect(email.html).toContain(`>${BUTTON[locale]}</a>`);
      expect(email.html).toContain(THIS_DEVICE[locale]);
      const report = await validator.validateString(email.html);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    });

    it('then neither the subject nor the inbox preview shows the link', () => {
      expect(email.subject).not.toContain('magic');
      const preheader = /<div style="display:none[^>]*>([^<]*)/.exec(email.html)?.[1] ?? '';
      expect(preheader).not.toContain('magic');
    });
  });

  it('when no link is given (OTP_MAGIC_LINK=false), then neither part has one', () => {
    const email = renderOtpEmail({ code: '482913', expiresInMinutes: 10, locale: 'en', brand });
    expect(email.text).not.toContain('http');
    expect(email.html).not.toContain('<a href="http');
    expect(email.text).not.toContain(THIS_DEVICE.en);
  });

  it('when the link has characters HTML gives meaning to, then the href is escaped', () => {
    const email = renderOtpEmail({
      code: '482913',
      linkUrl: 'https://login.acme.test/v1/auth/magic/x?a=1&b="2"',
      expiresInMinutes: 10,
      locale: 'en',
      brand,
    });
    expect(email.html).toContain('href="https://login.acme.test/v1/auth/magic/x?a=1&amp;b=&quot;2&quot;"');
  });

  it('when the link is not http(s), then rendering refuses it', () => {
    for (const linkUrl of ['javascript:alert(1)', 'data:text/html,x', '//evil.test/x']) {
      expect(() => renderOtpEmail({ code: '1', linkUrl, expiresInMinutes: 1, locale: 'en', brand })).toThrow(
        RangeError,
      );
    }
  });
});
