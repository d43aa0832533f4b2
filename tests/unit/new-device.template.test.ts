import { HtmlValidate } from 'html-validate';
import { renderNewDeviceEmail } from '../../src/modules/email/templates/new-device.template';
import { SUPPORTED_LOCALES, type EmailBrand } from '../../src/modules/email/templates/otp-email.template';

const brand: EmailBrand = {
  productName: 'Acme',
  primaryColor: '#0f766e',
  logoUrl: 'https://cdn.acme.test/logo.png',
  supportEmail: 'help@acme.test',
};
const input = {
  brand,
  browser: 'Firefox 133',
  os: 'Linux',
  network: '203.0.113.0/24',
  signedInAt: '2030-01-02T03:04:05.000Z',
  revokeUrl: 'https://api.acme.test/v1/sessions/revoke-link?token=abc.def',
};

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  // Email styles must be inline and Outlook needs the table attributes HTML5 calls deprecated.
  rules: { 'no-inline-style': 'off', 'no-deprecated-attr': 'off' },
});

describe('renderNewDeviceEmail', () => {
  describe.each(SUPPORTED_LOCALES)('when rendered in %s', (locale) => {
    const email = renderNewDeviceEmail({ ...input, locale });

    it('then subject, text and html name the product, the device, the network and the link; html lang is the locale', () => {
      expect(email.subject).toContain('Acme');
      for (const part of [
        'Acme',
        'Firefox 133',
        'Linux',
        '203.0.113.0/24',
        input.revokeUrl,
        'help@acme.test',
      ]) {
        expect(email.text).toContain(part);
      }
      expect(email.text).toMatch(/UTC/);
      expect(email.html).toContain('href="https://api.acme.test/v1/sessions/revoke-link?token=abc.def"');
      expect(email.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${locale}"`));
    });

    it('then the html passes html-validate', async () => {
      const report = await validator.validateString(email.html);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    });
  });

  it('when the locales are compared, then each has its own wording', () => {
    const subjects = SUPPORTED_LOCALES.map((locale) => renderNewDeviceEmail({ ...input, locale }).subject);
    expect(new Set(subjects).size).toBe(SUPPORTED_LOCALES.length);
  });

  it('when the device was not recognised, then the email says unknown; markup in a part is escaped', () => {
    const email = renderNewDeviceEmail({ ...input, locale: 'en', browser: null, os: '<b>x</b>' });
    expect(email.text).toContain('Browser: Unknown');
    expect(email.html).not.toContain('<b>x</b>');
    expect(email.html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('when the link is not http(s), or the locale unsupported, then it refuses to render', () => {
    expect(() => renderNewDeviceEmail({ ...input, locale: 'en', revokeUrl: 'javascript:alert(1)' })).toThrow(
      RangeError,
    );
    expect(() => renderNewDeviceEmail({ ...input, locale: 'xx' as never })).toThrow(RangeError);
  });
});
