import { normalizeEmail } from '../../../platform/email-address';

/** Branding of the emails, usually from config.email.brand. */
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

export const DEFAULT_COLOR = '#2563eb';
export const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
export const FONT = "'Segoe UI',Helvetica,Arial,sans-serif";
export const INK = '#111827';
export const MUTED = '#4b5563';
const PAGE_BG = '#f4f5f7';
/** Invisible padding after the preheader, so inbox previews do not run on into the body (and show a code). */
const PREVIEW_FILLER = '&zwnj;&nbsp;'.repeat(80);
/** Layout tables: email clients still lay out with them. */
export const TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';
export const SMALL = `font-family:${FONT};font-size:13px;line-height:20px;color:${MUTED};`;

/** A 16 px paragraph's style in the given ink. */
export const text16 = (ink: string): string =>
  `margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:${ink};`;

/** A link drawn as a button, in the brand colour; `href` and `label` are escaped here, `color` already is. */
export const buttonLink = (href: string, label: string, color: string): string =>
  `<a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background-color:${color};color:#ffffff;font-family:${FONT};font-size:16px;font-weight:600;text-decoration:none;">${escapeHtml(label)}</a>`;

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

/** The brand as the templates use it: a one-line name, an escaped colour, a safe logo URL. */
export interface ResolvedBrand {
  product: string;
  color: string;
  logoUrl?: string;
  support?: string;
}

export function resolveBrand(brand: EmailBrand): ResolvedBrand {
  return {
    product: singleLine(brand.productName),
    color: escapeHtml(HEX_COLOR.test(brand.primaryColor) ? brand.primaryColor : DEFAULT_COLOR),
    logoUrl: safeLogoUrl(brand.logoUrl),
    support: brand.supportEmail ? normalizeEmail(brand.supportEmail) : undefined,
  };
}

/** The plain-text part: the paragraphs, the support line when there is one, the product. */
export function plainText(brand: ResolvedBrand, help: string, paragraphs: string[]): string {
  return [...paragraphs, ...(brand.support ? [`${help} ${brand.support}.`] : []), brand.product].join('\n\n');
}

export interface LayoutInput {
  locale: string;
  subject: string;
  preheader: string;
  brand: ResolvedBrand;
  /** The localised "Questions? Write to" before the support address. */
  help: string;
  /** The card's rows below the logo: `<tr>` elements, every value already escaped. */
  rows: string;
}

/** Every email's HTML: the preheader, a card with the logo (or the name) and `rows`, a footer. */
export function renderLayout(input: LayoutInput): string {
  const e = escapeHtml;
  const { product, color, logoUrl, support } = input.brand;
  const header = logoUrl
    ? `<img src="${e(logoUrl)}" alt="${e(product)}" width="160" height="40" style="display:block;border:0;outline:none;text-decoration:none;width:auto;height:auto;max-width:160px;max-height:40px;">`
    : `<span style="font-family:${FONT};font-size:20px;line-height:28px;font-weight:700;color:${INK};">${e(product)}</span>`;
  const help = support
    ? `<p style="margin:0 0 8px;${SMALL}">${e(input.help)} <a href="${e(mailtoHref(support))}" style="color:${color};text-decoration:underline;">${e(support)}</a>.</p>\n`
    : '';
  return `<!DOCTYPE html>
<html lang="${e(input.locale)}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting" content="">
<meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
<meta name="color-scheme" content="light">
<title>${e(input.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:${PAGE_BG};">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:${PAGE_BG};">${e(input.preheader)}${PREVIEW_FILLER}</div>
<table ${TABLE} width="100%" style="width:100%;background-color:${PAGE_BG};">
<tbody>
<tr>
<td align="center" style="padding:24px 12px;">
<table ${TABLE} width="600" style="width:100%;max-width:600px;background-color:#ffffff;border-top:4px solid ${color};border-radius:8px;">
<tbody>
<tr>
<td style="padding:32px 32px 8px;">${header}</td>
</tr>
${input.rows}
</tbody>
</table>
<table ${TABLE} width="600" style="width:100%;max-width:600px;">
<tbody>
<tr>
<td align="center" style="padding:24px 32px;${SMALL}text-align:center;">
${help}<p style="margin:0;${SMALL}">${e(product)}</p>
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
}
