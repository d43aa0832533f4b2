import { normalizeEmail } from '../../../platform/email-address';
import { NEW_DEVICE_STRINGS } from './new-device.strings';
import {
  DEFAULT_COLOR,
  HEX_COLOR,
  escapeHtml,
  mailtoHref,
  safeLogoUrl,
  singleLine,
  type EmailBrand,
  type RenderedEmail,
  type SupportedLocale,
} from './otp-email.template';

/** What the new-sign-in email says: the device as parsed, the time, the network (never a full address). */
export interface NewDeviceInput {
  locale: SupportedLocale;
  brand: EmailBrand;
  browser: string | null;
  os: string | null;
  network: string;
  /** ISO time of the sign-in, shown to the minute in UTC. */
  signedInAt: string;
  /** The signed single-use link (http or https) that revokes that session. */
  revokeUrl: string;
}

const FONT = "'Segoe UI',Helvetica,Arial,sans-serif";
const INK = '#111827';
const MUTED = '#4b5563';
const PAGE_BG = '#f4f5f7';
const PREVIEW_FILLER = '&zwnj;&nbsp;'.repeat(80);

const when = (locale: SupportedLocale, iso: string) =>
  `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;

/** Renders the email telling an account's owner of a sign-in from a new device, in the code email's look. */
export function renderNewDeviceEmail(input: NewDeviceInput): RenderedEmail {
  const { locale, brand } = input;
  if (!Object.hasOwn(NEW_DEVICE_STRINGS, locale))
    throw new RangeError(`unsupported locale: ${String(locale)}`);
  if (!/^https?:\/\//.test(input.revokeUrl)) throw new RangeError('the revoke link must be http(s)');
  const t = NEW_DEVICE_STRINGS[locale];
  const e = escapeHtml;
  const product = singleLine(brand.productName);
  const color = e(HEX_COLOR.test(brand.primaryColor) ? brand.primaryColor : DEFAULT_COLOR);
  const logoUrl = safeLogoUrl(brand.logoUrl);
  const support = brand.supportEmail ? normalizeEmail(brand.supportEmail) : undefined;
  const subject = t.subject(product);
  const details: Array<[string, string]> = [
    [t.browser, singleLine(input.browser ?? t.unknown)],
    [t.os, singleLine(input.os ?? t.unknown)],
    [t.time, when(locale, input.signedInAt)],
    [t.network, singleLine(input.network)],
  ];

  const text = [
    t.heading,
    t.what(product),
    details.map(([k, v]) => `${k}: ${v}`).join('\n'),
    t.ifYou,
    `${t.notYou}\n${t.action}: ${input.revokeUrl}`,
    ...(support ? [`${t.help} ${support}.`] : []),
    product,
  ].join('\n\n');

  const p = (ink: string) =>
    `margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:${ink};`;
  const small = `font-family:${FONT};font-size:13px;line-height:20px;color:${MUTED};`;
  const table = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';
  const header = logoUrl
    ? `<img src="${e(logoUrl)}" alt="${e(product)}" width="160" height="40" style="display:block;border:0;outline:none;text-decoration:none;width:auto;height:auto;max-width:160px;max-height:40px;">`
    : `<span style="font-family:${FONT};font-size:20px;line-height:28px;font-weight:700;color:${INK};">${e(product)}</span>`;
  const help = support
    ? `<p style="margin:0 0 8px;${small}">${e(t.help)} <a href="${e(mailtoHref(support))}" style="color:${color};text-decoration:underline;">${e(support)}</a>.</p>\n`
    : '';
  const rows = details
    .map(
      ([k, v]) =>
        `<tr>\n<td style="padding:4px 16px 4px 0;${small}">${e(k)}</td>\n<td style="padding:4px 0;font-family:${FONT};font-size:15px;line-height:22px;color:${INK};">${e(v)}</td>\n</tr>`,
    )
    .join('\n');

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
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:${PAGE_BG};">${e(t.preheader(product))}${PREVIEW_FILLER}</div>
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
<td style="padding:16px 32px 16px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:30px;font-weight:700;color:${INK};">${e(t.heading)}</h1>
<p style="${p(INK)}">${e(t.what(product))}</p>
<table ${table} style="margin:0 0 16px;">
<tbody>
${rows}
</tbody>
</table>
<p style="${p(INK)}">${e(t.ifYou)}</p>
<p style="${p(INK)}">${e(t.notYou)}</p>
<p style="margin:0 0 16px;"><a href="${e(input.revokeUrl)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background-color:${color};color:#ffffff;font-family:${FONT};font-size:16px;font-weight:600;text-decoration:none;">${e(t.action)}</a></p>
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
