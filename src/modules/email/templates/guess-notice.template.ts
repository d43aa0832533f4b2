import { GUESS_NOTICE_STRINGS } from './guess-notice.strings';
import type { EmailBrand, RenderedEmail } from './email-layout';
import type { SupportedLocale } from './otp-email.strings';
import { renderParagraphNotice } from './paragraph-notice';

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
  return renderParagraphNotice(locale, brand, (product) => ({
    subject: t.subject(product),
    preheader: t.preheader(product),
    heading: t.heading,
    paragraphs: [t.what(product), t.safe, t.paused, t.ifYou],
    help: t.help,
  }));
}
