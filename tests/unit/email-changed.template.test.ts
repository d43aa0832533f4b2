import { HtmlValidate } from 'html-validate';
import { renderEmailChangedNotice } from '../../src/modules/email/templates/email-changed.template';
import { SUPPORTED_LOCALES, type EmailBrand } from '../../src/modules/email/templates/otp-email.template';

const brand: EmailBrand = {
  productName: 'Acme',
  primaryColor: '#0f766e',
  supportEmail: 'help@acme.test',
};
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'no-inline-style': 'off', 'no-deprecated-attr': 'off' },
});

describe('renderEmailChangedNotice', () => {
  describe.each(SUPPORTED_LOCALES)('when rendered in %s', (locale) => {
    const email = renderEmailChangedNotice({ locale, brand, newAddressMasked: 'ne***@example.org' });

    it('then it names the product and the masked new address, in the locale', () => {
      expect(email.subject).toContain('Acme');
      expect(email.text).toContain('ne***@example.org');
      expect(email.html).toContain('ne***@example.org');
      expect(email.text).toContain('help@acme.test');
      expect(email.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${locale}"`));
    });

    it('then it holds no link to act on and no code', () => {
      expect(email.text).not.toMatch(/https?:\/\//);
      expect(email.text).not.toMatch(/\d{4,}/);
    });

    it('then the html passes html-validate', async () => {
      const report = await validator.validateString(email.html);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    });
  });

  it('when the locales are compared, then each has its own wording', () => {
    const subjects = SUPPORTED_LOCALES.map(
      (locale) => renderEmailChangedNotice({ locale, brand, newAddressMasked: 'a***@b.c' }).subject,
    );
    expect(new Set(subjects).size).toBe(SUPPORTED_LOCALES.length);
  });

  it('when the masked address carries markup, then it is escaped', () => {
    const email = renderEmailChangedNotice({ locale: 'en', brand, newAddressMasked: '<i>x</i>@y.org' });
    expect(email.html).not.toContain('<i>x</i>');
  });

  it('when the locale is not supported, then it throws a RangeError', () => {
    expect(() => renderEmailChangedNotice({ locale: 'xx' as never, brand, newAddressMasked: 'a' })).toThrow(
      RangeError,
    );
  });
});
