/**
 * Writes every email template in every locale to email-preview/<locale>[-guess-notice|-new-device|-email-changed].html and .txt (or the
 * folder given as the first argument), to open in a browser or paste into an email testing
 * tool, branded by the configured EMAIL_PRODUCT_NAME, EMAIL_PRIMARY_COLOR, EMAIL_LOGO_URL and
 * EMAIL_SUPPORT_ADDRESS (.env is read). The code email carries a sample sign-in link on
 * PUBLIC_BASE_URL unless OTP_MAGIC_LINK=false. Run with `npm run email:preview`.
 */
import 'dotenv/config';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderEmailChangedNotice } from '../src/modules/email/templates/email-changed.template';
import { renderGuessNotice } from '../src/modules/email/templates/guess-notice.template';
import { renderNewDeviceEmail } from '../src/modules/email/templates/new-device.template';
import { SUPPORTED_LOCALES, renderOtpEmail } from '../src/modules/email/templates/otp-email.template';
import { magicLinkUrl } from '../src/modules/auth/magic-link';
import { loadConfig } from '../src/platform/config/config';

const OUT_DIR = resolve(process.argv[2] ?? join(__dirname, '..', 'email-preview'));

const config = loadConfig(process.env);
const { brand } = config.email;
const linkUrl = config.magicLink.enabled
  ? magicLinkUrl(config.publicBaseUrl, 'PreviewToken0123456789')
  : undefined;
console.log(`brand: ${brand.productName}, ${brand.primaryColor}, logo ${brand.logoUrl ?? 'none'}`);

mkdirSync(OUT_DIR, { recursive: true });
for (const locale of SUPPORTED_LOCALES) {
  const emails = {
    [locale]: renderOtpEmail({ code: '482913', linkUrl, expiresInMinutes: 10, locale, brand }),
    [`${locale}-guess-notice`]: renderGuessNotice({ locale, brand }),
    [`${locale}-new-device`]: renderNewDeviceEmail({
      locale,
      brand,
      browser: 'Firefox 133',
      os: 'Windows 10',
      network: '203.0.113.0/24',
      signedInAt: '2030-01-02T03:04:05.000Z',
      revokeUrl: 'http://localhost:5000/v1/sessions/revoke-link?token=preview.preview',
    }),
    [`${locale}-email-changed`]: renderEmailChangedNotice({
      locale,
      brand,
      newAddressMasked: 'ne***@example.org',
    }),
  };
  for (const [name, email] of Object.entries(emails)) {
    const htmlPath = join(OUT_DIR, `${name}.html`);
    const textPath = join(OUT_DIR, `${name}.txt`);
    writeFileSync(htmlPath, email.html);
    writeFileSync(textPath, `Subject: ${email.subject}\n\n${email.text}\n`);
    console.log(htmlPath);
    console.log(textPath);
  }
}
