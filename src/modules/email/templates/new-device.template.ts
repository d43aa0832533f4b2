import { NEW_DEVICE_STRINGS } from './new-device.strings';
import {
  FONT,
  buttonLink,
  INK,
  SMALL,
  TABLE,
  escapeHtml,
  plainText,
  renderLayout,
  resolveBrand,
  singleLine,
  text16,
  type EmailBrand,
  type RenderedEmail,
} from './email-layout';
import type { SupportedLocale } from './otp-email.strings';

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

const when = (locale: SupportedLocale, iso: string) =>
  `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;

/** Renders the email telling an account's owner of a sign-in from a new device, in the code email's look. */
export function renderNewDeviceEmail(input: NewDeviceInput): RenderedEmail {
  const { locale } = input;
  if (!Object.hasOwn(NEW_DEVICE_STRINGS, locale))
    throw new RangeError(`unsupported locale: ${String(locale)}`);
  if (!/^https?:\/\//.test(input.revokeUrl)) throw new RangeError('the revoke link must be http(s)');
  const t = NEW_DEVICE_STRINGS[locale];
  const e = escapeHtml;
  const brand = resolveBrand(input.brand);
  const { product, color } = brand;
  const subject = t.subject(product);
  const details: Array<[string, string]> = [
    [t.browser, singleLine(input.browser ?? t.unknown)],
    [t.os, singleLine(input.os ?? t.unknown)],
    [t.time, when(locale, input.signedInAt)],
    [t.network, singleLine(input.network)],
  ];
  const text = plainText(brand, t.help, [
    t.heading,
    t.what(product),
    details.map(([k, v]) => `${k}: ${v}`).join('\n'),
    t.ifYou,
    `${t.notYou}\n${t.action}: ${input.revokeUrl}`,
  ]);
  const detailRows = details
    .map(
      ([k, v]) =>
        `<tr>\n<td style="padding:4px 16px 4px 0;${SMALL}">${e(k)}</td>\n<td style="padding:4px 0;font-family:${FONT};font-size:15px;line-height:22px;color:${INK};">${e(v)}</td>\n</tr>`,
    )
    .join('\n');
  const rows = `<tr>
<td style="padding:16px 32px 16px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:30px;font-weight:700;color:${INK};">${e(t.heading)}</h1>
<p style="${text16(INK)}">${e(t.what(product))}</p>
<table ${TABLE} style="margin:0 0 16px;">
<tbody>
${detailRows}
</tbody>
</table>
<p style="${text16(INK)}">${e(t.ifYou)}</p>
<p style="${text16(INK)}">${e(t.notYou)}</p>
<p style="margin:0 0 16px;">${buttonLink(input.revokeUrl, t.action, color)}</p>
</td>
</tr>`;
  const preheader = t.preheader(product);
  const html = renderLayout({ locale, subject, preheader, brand, help: t.help, rows });
  return { subject, html, text };
}
