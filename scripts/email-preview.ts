/**
 * Writes every email template in every locale to email-preview/<locale>.html and .txt, to open in a
 * browser or paste into an email testing tool. Run with `npx tsx scripts/email-preview.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  SUPPORTED_LOCALES,
  renderOtpEmail,
  type EmailBrand,
} from '../src/modules/email/templates/otp-email.template';

const OUT_DIR = resolve(__dirname, '..', 'email-preview');

const brand: EmailBrand = {
  productName: 'Acme Cloud',
  primaryColor: '#2563eb',
  supportEmail: 'support@acme.example',
};

mkdirSync(OUT_DIR, { recursive: true });
for (const locale of SUPPORTED_LOCALES) {
  const email = renderOtpEmail({ code: '482913', expiresInMinutes: 10, locale, brand });
  const htmlPath = join(OUT_DIR, `${locale}.html`);
  const textPath = join(OUT_DIR, `${locale}.txt`);
  writeFileSync(htmlPath, email.html);
  writeFileSync(textPath, `Subject: ${email.subject}\n\n${email.text}\n`);
  console.log(htmlPath);
  console.log(textPath);
}
