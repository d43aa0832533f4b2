import { GUESS_NOTICE_STRINGS } from './guess-notice.strings';
import {
  FONT,
  INK,
  MUTED,
  escapeHtml,
  plainText,
  renderLayout,
  resolveBrand,
  text16,
  type EmailBrand,
  type RenderedEmail,
} from './email-layout';
import type { SupportedLocale } from './otp-email.strings';

/** What the guess notice says: nothing of the guesses themselves (no code, network or count). */
export interface GuessNoticeInput {
  locale: SupportedLocale;
  brand: EmailBrand;
}

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
  const brandView = resolveBrand(brand);
  const { product } = brandView;
  const subject = t.subject(product);
  const paragraphs = [t.what(product), t.safe, t.paused, t.ifYou];
  const text = plainText(brandView, t.help, [t.heading, ...paragraphs]);
  const body = paragraphs
    .map((para, i) => `<p style="${text16(i === paragraphs.length - 1 ? MUTED : INK)}">${e(para)}</p>`)
    .join('\n');
  const rows = `<tr>
<td style="padding:16px 32px 16px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:30px;font-weight:700;color:${INK};">${e(t.heading)}</h1>
${body}
</td>
</tr>`;
  const preheader = t.preheader(product);
  const html = renderLayout({ locale, subject, preheader, brand: brandView, help: t.help, rows });
  return { subject, html, text };
}
