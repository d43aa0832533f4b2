import {
  FONT,
  buttonLink,
  INK,
  MUTED,
  TABLE,
  escapeHtml,
  plainText,
  renderLayout,
  resolveBrand,
  text16,
  type EmailBrand,
  type RenderedEmail,
} from './email-layout';
import { OTP_EMAIL_STRINGS, SUPPORTED_LOCALES, type SupportedLocale } from './otp-email.strings';

export { SUPPORTED_LOCALES, type SupportedLocale };
export {
  DEFAULT_COLOR,
  HEX_COLOR,
  escapeHtml,
  mailtoHref,
  safeLogoUrl,
  singleLine,
  type EmailBrand,
  type RenderedEmail,
} from './email-layout';

/** What the OTP email says; `expiresInMinutes` must be a positive integer. */
export interface OtpEmailInput {
  code: string;
  /** The sign-in link bound to the same code row (http or https); absent when links are off. */
  linkUrl?: string;
  expiresInMinutes: number;
  locale: SupportedLocale;
  brand: EmailBrand;
}

const DEFAULT_LOCALE: SupportedLocale = 'en';
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;
const MAX_ACCEPT_LANGUAGE_LENGTH = 1024;

const MONO = "Consolas,Menlo,Monaco,'Courier New',monospace";

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

/** Renders the sign-in code email in the given locale; throws a RangeError on an empty code or a bad duration. */
export function renderOtpEmail(input: OtpEmailInput): RenderedEmail {
  const { code, linkUrl, expiresInMinutes, locale, brand } = input;
  if (code.trim() === '') throw new RangeError('code must not be empty');
  if (linkUrl !== undefined && !/^https?:\/\//.test(linkUrl))
    throw new RangeError('the link must be http(s)');
  if (!Number.isInteger(expiresInMinutes) || expiresInMinutes <= 0) {
    throw new RangeError('expiresInMinutes must be a positive integer');
  }
  if (!Object.hasOwn(OTP_EMAIL_STRINGS, locale))
    throw new RangeError(`unsupported locale: ${String(locale)}`);
  const t = OTP_EMAIL_STRINGS[locale];
  const e = escapeHtml;
  const brandView = resolveBrand(brand);
  const { product, color } = brandView;
  const unit = t.minute[new Intl.PluralRules(locale).select(expiresInMinutes) === 'one' ? 'one' : 'other'];
  const duration = `${new Intl.NumberFormat(locale).format(expiresInMinutes)} ${unit}`;
  const subject = t.subject(product);
  // The code comes first in both parts: people (and tests) reading the text find it before the link.
  const text = plainText(brandView, t.help, [
    t.heading,
    t.intro(product),
    code,
    ...(linkUrl ? [`${t.linkIntro}\n${linkUrl}`] : []),
    t.validity(duration),
    t.ignore,
  ]);
  const linkRow = linkUrl
    ? `<tr>
<td style="padding:0 32px 8px;">
<p style="${text16(INK)}">${e(t.linkIntro)}</p>
<p style="margin:0 0 16px;">${buttonLink(linkUrl, t.linkAction(product), color)}</p>
</td>
</tr>
`
    : '';
  const rows = `<tr>
<td style="padding:16px 32px 0;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:30px;font-weight:700;color:${INK};">${e(t.heading)}</h1>
<p style="${text16(INK)}">${e(t.intro(product))}</p>
</td>
</tr>
<tr>
<td align="center" style="padding:8px 32px 24px;">
<table ${TABLE} align="center">
<tbody>
<tr>
<td style="padding:16px 16px 16px 24px;background-color:#f3f4f6;border:1px solid ${color};border-radius:8px;font-family:${MONO};font-size:32px;line-height:40px;font-weight:700;letter-spacing:8px;color:${INK};-webkit-user-select:all;user-select:all;">${e(code)}</td>
</tr>
</tbody>
</table>
</td>
</tr>
${linkRow}<tr>
<td style="padding:0 32px 16px;">
<p style="${text16(INK)}">${e(t.validity(duration))}</p>
<p style="${text16(MUTED)}">${e(t.ignore)}</p>
</td>
</tr>`;
  const preheader = t.preheader(product, duration);
  const html = renderLayout({ locale, subject, preheader, brand: brandView, help: t.help, rows });
  return { subject, html, text };
}
