import { normalizeEmail } from '../../../platform/email-address';
import { GUESS_NOTICE_STRINGS } from './guess-notice.strings';
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

/** What the guess notice says: nothing of the guesses themselves (no code, network or count). */
export interface GuessNoticeInput {
  locale: SupportedLocale;
  brand: EmailBrand;
}

const FONT = "'Segoe UI',Helvetica,Arial,sans-serif";
const INK = '#111827';
const MUTED = '#4b5563';
const PAGE_BG = '#f4f5f7';
const PREVIEW_FILLER = '&zwnj;&nbsp;'.repeat(80);

/**
 * Renders the notice to an address's owner that wrong codes were entered for it (its hourly
 * failure budget was spent), in the code email's look. It holds no code, so it can never
 * help the guesser, and no IP address: a network says little (proxies, many networks) and
 * would put personal data of whoever guessed, possibly the owner, into a mailbox.
 */
export function renderGuessNotice(input: GuessNoticeInput): RenderedEmail {
  const { locale, brand } = input;
  if (!Object.hasOwn(GUESS_NOTICE_STRINGS, locale))
    throw new RangeError(`unsupported locale: ${String(locale)}`);
  const t = GUESS_NOTICE_STRINGS[locale];
  const e = escapeHtml;
  const product = singleLine(brand.productName);
  const color = e(HEX_COLOR.test(brand.primaryColor) ? brand.primaryColor : DEFAULT_COLOR);
  const logoUrl = safeLogoUrl(brand.logoUrl);
  const support = brand.supportEmail ? normalizeEmail(brand.supportEmail) : undefined;
  const subject = t.subject(product);
  const paragraphs = [t.what(product), t.safe, t.paused, t.ifYou];

  const text = [t.heading, ...paragraphs, ...(support ? [`${t.help} ${support}.`] : []), product].join(
    '\n\n',
  );

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
  const body = paragraphs
    .map((para, i) => `<p style="${p(i === paragraphs.length - 1 ? MUTED : INK)}">${e(para)}</p>`)
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
${body}
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
