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

/** A notice made of a heading and paragraphs, already in the reader's language (plain text). */
export interface ParagraphNotice {
  subject: string;
  /** Inbox preview text shown after the subject. */
  preheader: string;
  heading: string;
  /** The last one is set in the muted colour (what the reader may do). */
  paragraphs: string[];
  /** Sentence start completed by the support address and a full stop. */
  help: string;
}

/** Renders a notice in the code email's look (shared layout, escaped text, a plain-text part). */
export function renderParagraphNotice(
  locale: SupportedLocale,
  brand: EmailBrand,
  notice: (product: string) => ParagraphNotice,
): RenderedEmail {
  const brandView = resolveBrand(brand);
  const { subject, preheader, heading, paragraphs, help } = notice(brandView.product);
  const e = escapeHtml;
  const text = plainText(brandView, help, [heading, ...paragraphs]);
  const body = paragraphs
    .map((para, i) => `<p style="${text16(i === paragraphs.length - 1 ? MUTED : INK)}">${e(para)}</p>`)
    .join('\n');
  const rows = `<tr>
<td style="padding:16px 32px 16px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:30px;font-weight:700;color:${INK};">${e(heading)}</h1>
${body}
</td>
</tr>`;
  const html = renderLayout({ locale, subject, preheader, brand: brandView, help, rows });
  return { subject, html, text };
}
