import { HtmlValidate } from 'html-validate';
import { renderGuessNotice } from '../../src/modules/email/templates/guess-notice.template';
import { SUPPORTED_LOCALES, type EmailBrand } from '../../src/modules/email/templates/otp-email.template';

const brand: EmailBrand = {
  productName: 'Acme',
  primaryColor: '#0f766e',
  logoUrl: 'https://cdn.acme.test/logo.png',
  supportEmail: 'help@acme.test',
};

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  // Email styles must be inline and Outlook needs the table attributes HTML5 calls deprecated.
  rules: { 'no-inline-style': 'off', 'no-deprecated-attr': 'off' },
});

describe('renderGuessNotice', () => {
  describe.each(SUPPORTED_LOCALES)('when rendered in %s', (locale) => {
    const email = renderGuessNotice({ locale, brand });

    it('then subject, text and html name the product, and the html lang is the locale', () => {
      expect(email.subject).toContain('Acme');
      expect(email.text).toContain('Acme');
      expect(email.text).toContain('help@acme.test');
      expect(email.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${locale}"`));
    });

    it('then it carries no digits at all in subject and text: no code, no network, no count', () => {
      expect(`${email.subject}\n${email.text}`).not.toMatch(/\d/);
    });

    it('then the html passes html-validate', async () => {
      const report = await validator.validateString(email.html);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    });
  });

  it('when the locales are compared, then each has its own wording', () => {
    const subjects = SUPPORTED_LOCALES.map((locale) => renderGuessNotice({ locale, brand }).subject);
    expect(new Set(subjects).size).toBe(SUPPORTED_LOCALES.length);
  });

  it('when the product name carries markup or a line break, then it is escaped and kept on one line', () => {
    const email = renderGuessNotice({ locale: 'en', brand: { ...brand, productName: '<b>A</b>\r\nBcc: x' } });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).not.toContain('<b>A</b>');
  });

  it('when the locale is not supported, then it throws a RangeError', () => {
    expect(() => renderGuessNotice({ locale: 'xx' as never, brand })).toThrow(RangeError);
  });
});
