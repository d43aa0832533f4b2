import { normalizeEmail } from '../../../platform/email-address';
import { OTP_EMAIL_STRINGS, SUPPORTED_LOCALES, type SupportedLocale } from './otp-email.strings';

export { SUPPORTED_LOCALES, type SupportedLocale };

/** Branding of the email, usually from config.email.brand. */
export interface EmailBrand {
  productName: string;
  /** CSS hex colour (`#abc` or `#aabbcc`); anything else falls back to the default blue. */
  primaryColor: string;
  /** https URL (or http://localhost in development), shown at most 160×40 px: supply a 320×80 image. */
  logoUrl?: string;
  supportEmail?: string;
}

/** A ready-to-send email: both parts carry the same content. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** What the OTP email says; `expiresInMinutes` must be a positive integer. */
export interface OtpEmailInput {
  code: string;
  expiresInMinutes: number;
  locale: SupportedLocale;
  brand: EmailBrand;
}

const DEFAULT_LOCALE: SupportedLocale = 'en';
export const DEFAULT_COLOR = '#2563eb';
export const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;
const MAX_ACCEPT_LANGUAGE_LENGTH = 1024;

const FONT = "'Segoe UI',Helvetica,Arial,sans-serif";
const MONO = "Consolas,Menlo,Monaco,'Courier New',monospace";
const INK = '#111827';
const MUTED = '#4b5563';
const PAGE_BG = '#f4f5f7';
/** Invisible padding after the preheader, so inbox previews do not run on into the body (and show the code). */
const PREVIEW_FILLER = '&zwnj;&nbsp;'.repeat(80);

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `& < > " '` so the value is safe in HTML text and in double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char]);
}

function toSupportedLocale(tag: string): SupportedLocale | undefined {
  const primary = tag.trim().split(/[-_]/)[0].toLowerCase();
  return SUPPORTED_LOCALES.find((locale) => locale === primary);
}

/** An unparseable q-value counts as 0, i.e. "not acceptable", as does q=0 itself. */
function quality(params: string[]): number {
  const q = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
  if (q === undefined) return 1;
  const match = QVALUE.exec(q);
  return match ? Number(match[1]) : 0;
}

/** Picks the locale from an explicit value (e.g. 'es', 'es-MX', 'FR') or an Accept-Language header (with q-values), falling back to 'en'. */
export function resolveLocale(explicit?: string, acceptLanguage?: string): SupportedLocale {
  const chosen = explicit === undefined ? undefined : toSupportedLocale(explicit);
  if (chosen) return chosen;
  let best: { locale: SupportedLocale; q: number } | undefined;
  for (const range of (acceptLanguage ?? '').slice(0, MAX_ACCEPT_LANGUAGE_LENGTH).split(',')) {
    const [tag, ...params] = range.split(';');
    const locale = toSupportedLocale(tag);
    const q = quality(params);
    if (locale && q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? DEFAULT_LOCALE;
}

/** Control characters and line breaks would end up in the Subject header. */
export function singleLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim();
}

export function safeLogoUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
    return allowed ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6068: `?`, `&`, `#` and `%` in the local part must be percent-encoded in a mailto: URI. */
export function mailtoHref(email: string): string {
  const at = email.lastIndexOf('@');
  return `mailto:${encodeURIComponent(email.slice(0, at))}@${email.slice(at + 1)}`;
}

/** Renders the sign-in code email in the given locale; throws a RangeError on an empty code or a bad duration. */
export function renderOtpEmail(input: OtpEmailInput): RenderedEmail {
  const { code, expiresInMinutes, locale, brand } = input;
  if (code.trim() === '') throw new RangeError('code must not be empty');
  if (!Number.isInteger(expiresInMinutes) || expiresInMinutes <= 0) {
    throw new RangeError('expiresInMinutes must be a positive integer');
  }
  if (!Object.hasOwn(OTP_EMAIL_STRINGS, locale))
    throw new RangeError(`unsupported locale: ${String(locale)}`);
  const t = OTP_EMAIL_STRINGS[locale];
  const e = escapeHtml;
  const product = singleLine(brand.productName);
  const color = e(HEX_COLOR.test(brand.primaryColor) ? brand.primaryColor : DEFAULT_COLOR);
  const logoUrl = safeLogoUrl(brand.logoUrl);
  const support = brand.supportEmail ? normalizeEmail(brand.supportEmail) : undefined;
  const unit = t.minute[new Intl.PluralRules(locale).select(expiresInMinutes) === 'one' ? 'one' : 'other'];
  const duration = `${new Intl.NumberFormat(locale).format(expiresInMinutes)} ${unit}`;
  const subject = t.subject(product);

  const text = [
    t.heading,
    t.intro(product),
    code,
    t.validity(duration),
    t.ignore,
    ...(support ? [`${t.help} ${support}.`] : []),
    product,
  ].join('\n\n');

  const text16 = (ink: string) =>
    `margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:${ink};`;
  const small = `font-family:${FONT};font-size:13px;line-height:20px;color:${MUTED};`;
  const table = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';
  const header = logoUrl
    ? `<img src="${e(logoUrl)}" alt="${e(product)}" width="160" height="40" style="display:block;border:0;outline:none;text-decoration:none;width:auto;height:auto;max-width:160px;max-height:40px;">`
    : `<span style="font-family:${FONT};font-size:20px;line-height:28px;font-weight:700;color:${INK};">${e(product)}</span>`;
  const help = support
    ? `<p style="margin:0 0 8px;${small}">${e(t.help)} <a href="${e(mailtoHref(support))}" style="color:${color};text-decoration:underline;">${e(support)}</a>.</p>\n`
    : '';

  const html = `<!DOCTYPE html>
<html lang="${e(locale)}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting" content="">
<meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
<meta name="color-scheme" content="light">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:${PAGE_BG};">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:${PAGE_BG};">${e(t.preheader(product, duration))}${PREVIEW_FILLER}</div>
<table ${table} width="100%" style="width:100%;background-color:${PAGE_BG};">
<tbody>
<tr>
<td align="center" style="padding:24px 12px;">
<table ${table} width="600" style="width:100%;max-width:600px;background-color:#ffffff;border-top:4px solid ${color};border-radius:8px;">
<tbody>
<tr>
<td style="padding:32px 32px 8px;">${header}</td>
</tr>
<tr>
<td style="padding:16px 32px 0;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:30px;font-weight:700;color:${INK};">${e(t.heading)}</h1>
<p style="${text16(INK)}">${e(t.intro(product))}</p>
</td>
</tr>
<tr>
<td align="center" style="padding:8px 32px 24px;">
<table ${table} align="center">
<tbody>
<tr>
<td style="padding:16px 16px 16px 24px;background-color:#f3f4f6;border:1px solid ${color};border-radius:8px;font-family:${MONO};font-size:32px;line-height:40px;font-weight:700;letter-spacing:8px;color:${INK};-webkit-user-select:all;user-select:all;">${e(code)}</td>
</tr>
</tbody>
</table>
</td>
</tr>
<tr>
<td style="padding:0 32px 16px;">
<p style="${text16(INK)}">${e(t.validity(duration))}</p>
<p style="${text16(MUTED)}">${e(t.ignore)}</p>
</td>
</tr>
</tbody>
</table>
<table ${table} width="600" style="width:100%;max-width:600px;">
<tbody>
<tr>
<td align="center" style="padding:24px 32px;${small}text-align:center;">
${help}<p style="margin:0;${small}">${e(product)}</p>
</td>
</tr>
</tbody>
</table>
</td>
</tr>
</tbody>
</table>
</body>
</html>
`;
  return { subject, html, text };
}
