import { HtmlValidate } from 'html-validate';
import {
  SUPPORTED_LOCALES,
  escapeHtml,
  renderOtpEmail,
  resolveLocale,
  type EmailBrand,
  type OtpEmailInput,
} from '../../src/modules/email/templates/otp-email.template';

const brand: EmailBrand = {
  productName: 'Acme',
  primaryColor: '#0f766e',
  logoUrl: 'https://cdn.acme.test/logo.png',
  supportEmail: 'help@acme.test',
};

function input(overrides: Partial<OtpEmailInput> = {}): OtpEmailInput {
  return { code: '482913', expiresInMinutes: 10, locale: 'en', brand, ...overrides };
}

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    // Many clients (Gmail apps, Outlook) drop <style> blocks, so email styles must be inline.
    'no-inline-style': 'off',
    // Outlook's Word engine ignores CSS widths/centring on tables: it needs width, align, cellpadding,
    // cellspacing and border attributes, which HTML5 calls deprecated.
    'no-deprecated-attr': 'off',
  },
});

describe('renderOtpEmail', () => {
  describe.each(SUPPORTED_LOCALES)('when rendered in %s', (locale) => {
    const email = renderOtpEmail(input({ locale, expiresInMinutes: 15 }));

    it('then the code appears in the html as one selectable string and in the text', () => {
      expect(email.html).toContain('>482913</td>');
      expect(email.text).toContain('\n482913\n');
    });

    it('then the subject does not contain the code', () => {
      expect(email.subject).not.toContain('482913');
      expect(email.subject).toContain('Acme');
    });

    it('then the validity minutes appear in both parts', () => {
      expect(email.html).toMatch(/15 (minutes|minutos|Minuten)/);
      expect(email.text).toMatch(/15 (minutes|minutos|Minuten)/);
    });

    it('then the html lang equals the locale', () => {
      expect(email.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${locale}"`));
    });

    it('then the html passes html-validate', async () => {
      const report = await validator.validateString(email.html);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
      expect(report.valid).toBe(true);
    });
  });

  it('when rendered in English, then it carries the agreed wording', () => {
    const email = renderOtpEmail(input());
    expect(email.subject).toBe('Your Acme sign-in code');
    expect(email.text).toContain("If you didn't request this code, you can ignore this email.");
    expect(email.text).toContain('This code is valid for 10 minutes.');
    expect(email.text).toContain('Need help? Contact us at help@acme.test.');
    expect(email.html).toContain('<meta name="viewport"');
    expect(email.html).toContain('href="mailto:help@acme.test"');
    expect(email.html).toContain(
      '<img src="https://cdn.acme.test/logo.png" alt="Acme" width="160" height="40"',
    );
  });

  it('when the code is valid for one minute, then the unit is singular', () => {
    expect(renderOtpEmail(input({ expiresInMinutes: 1 })).text).toContain('valid for 1 minute.');
    expect(renderOtpEmail(input({ expiresInMinutes: 1, locale: 'de' })).text).toContain('1 Minute lang');
  });

  it('when the product name holds markup, then it appears escaped and never raw', async () => {
    const hostile = '<script>alert(1)</script>&"';
    const email = renderOtpEmail(
      input({ brand: { ...brand, productName: hostile, supportEmail: undefined, logoUrl: undefined } }),
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('&"');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;');
    expect(email.text).toContain(hostile);
    expect((await validator.validateString(email.html)).valid).toBe(true);
  });

  it('when the logo is shown, then the product name in its alt text is escaped', () => {
    const email = renderOtpEmail(input({ brand: { ...brand, productName: 'A"B' } }));
    expect(email.html).toContain('alt="A&quot;B"');
  });

  it('when the code holds markup, then it is escaped', () => {
    expect(renderOtpEmail(input({ code: '<b>1</b>' })).html).toContain('&lt;b&gt;1&lt;/b&gt;');
  });

  it.each(['red', '#12345', 'url(x)', '#fff;background:url(x)', ''])(
    'when the colour is %p, then it falls back to the default',
    (primaryColor) => {
      const { html } = renderOtpEmail(input({ brand: { ...brand, primaryColor } }));
      expect(html).toContain('#2563eb');
      if (primaryColor) expect(html).not.toContain(primaryColor);
    },
  );

  it.each(['#abc', '#AABBCC'])('when the colour is %p, then it is used', (primaryColor) => {
    const { html } = renderOtpEmail(input({ brand: { ...brand, primaryColor } }));
    expect(html).toContain(`border-top:4px solid ${primaryColor}`);
    expect(html).not.toContain('#2563eb');
  });

  it.each([
    'javascript:alert(1)',
    'http://cdn.acme.test/logo.png',
    'http://localhost.evil.test/logo.png',
    'data:image/png;base64,AAAA',
    'not a url',
  ])('when the logo URL is %p, then the logo is omitted', (logoUrl) => {
    const { html } = renderOtpEmail(input({ brand: { ...brand, logoUrl } }));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
  });

  it('when the logo URL is http://localhost, then it is kept for development', () => {
    const { html } = renderOtpEmail(
      input({ brand: { ...brand, logoUrl: 'http://localhost:3000/logo.png' } }),
    );
    expect(html).toContain('<img src="http://localhost:3000/logo.png"');
  });

  it('when the support address is missing or invalid, then no help line is shown', () => {
    for (const supportEmail of [undefined, '', 'not-an-email', '"x"@y.test']) {
      const email = renderOtpEmail(input({ brand: { ...brand, supportEmail } }));
      expect(email.html).not.toContain('mailto:');
      expect(email.text).not.toContain('Need help?');
    }
  });

  it('when the support address has URI characters, then the mailto link encodes them', () => {
    const { html } = renderOtpEmail(input({ brand: { ...brand, supportEmail: 'help?cc=x@acme.test' } }));
    expect(html).toContain('href="mailto:help%3Fcc%3Dx@acme.test"');
  });

  it('when the product name holds a line break, then the subject stays on one line', () => {
    const email = renderOtpEmail(input({ brand: { ...brand, productName: 'Acme\r\nBcc: x@y.test' } }));
    expect(email.subject).toBe('Your Acme Bcc: x@y.test sign-in code');
  });

  it.each([0, -5, 1.5, Number.NaN])('when expiresInMinutes is %p, then it throws', (expiresInMinutes) => {
    expect(() => renderOtpEmail(input({ expiresInMinutes }))).toThrow(RangeError);
  });

  it('when the code is empty, then it throws', () => {
    expect(() => renderOtpEmail(input({ code: ' ' }))).toThrow(RangeError);
  });

  it('when the locale is not supported at runtime, then it throws', () => {
    for (const locale of ['it', 'constructor', '__proto__']) {
      expect(() => renderOtpEmail(input({ locale: locale as never }))).toThrow(RangeError);
    }
  });
});

describe('escapeHtml', () => {
  it('when given the five special characters, then each becomes an entity', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('resolveLocale', () => {
  it('when an explicit locale is given, then it wins over the header', () => {
    expect(resolveLocale('es', 'fr, de;q=0.9')).toBe('es');
  });

  it.each([
    ['es-MX', 'es'],
    ['FR', 'fr'],
    ['de_AT', 'de'],
    [' en-GB ', 'en'],
  ])('when the explicit locale is %p, then %p is picked', (explicit, expected) => {
    expect(resolveLocale(explicit)).toBe(expected);
  });

  it('when the explicit locale is unsupported, then the header decides', () => {
    expect(resolveLocale('it', 'de')).toBe('de');
  });

  it('when the header has q-values, then the highest acceptable one wins', () => {
    expect(resolveLocale(undefined, 'de-CH;q=0.9, fr;q=0.95')).toBe('fr');
    expect(resolveLocale(undefined, 'it, es;q=0.5, de;q=0.4')).toBe('es');
  });

  it('when two languages have the same q-value, then the first listed wins', () => {
    expect(resolveLocale(undefined, 'de;q=0.8, fr;q=0.8')).toBe('de');
    expect(resolveLocale(undefined, 'fr-CA, es')).toBe('fr');
  });

  it('when a language has q=0 or a malformed q-value, then it is not chosen', () => {
    expect(resolveLocale(undefined, 'fr;q=0, es;q=0.1')).toBe('es');
    expect(resolveLocale(undefined, 'fr;q=2, de;q=abc, es;q=0.2')).toBe('es');
  });

  it.each([undefined, '', 'it, pt-BR;q=0.9, *;q=0.1', 'ja'])(
    'when nothing supported is asked for (%p), then it falls back to en',
    (header) => {
      expect(resolveLocale(undefined, header)).toBe('en');
      expect(resolveLocale('zz', header)).toBe('en');
    },
  );

  it.each([';;;,,,', 'q=1;fr', '\u0000\u00ff<script>', ';q=0.9', 'x'.repeat(100_000)])(
    'when the header is garbage (%#), then it falls back to en',
    (header) => {
      expect(resolveLocale(undefined, header)).toBe('en');
    },
  );
});
