import { EMAIL_CHANGED_STRINGS } from './email-changed.strings';
import type { EmailBrand, RenderedEmail } from './email-layout';
import type { SupportedLocale } from './otp-email.strings';
import { renderParagraphNotice } from './paragraph-notice';

export interface EmailChangedInput {
  locale: SupportedLocale;
  brand: EmailBrand;
  /** The account's new address, masked (`jo***@example.org`): enough to recognise, not to read. */
  newAddressMasked: string;
}

/**
 * Renders the notice to an account's old address that the account's address was changed
 * (docs/api.md, "Change my email"). It holds no link and no code: the old address no longer
 * signs in, so the only useful step for a surprised reader is to contact support.
 */
export function renderEmailChangedNotice(input: EmailChangedInput): RenderedEmail {
  const { locale, brand } = input;
  if (!Object.hasOwn(EMAIL_CHANGED_STRINGS, locale))
    throw new RangeError(`unsupported locale: ${String(locale)}`);
  const t = EMAIL_CHANGED_STRINGS[locale];
  return renderParagraphNotice(locale, brand, (product) => ({
    subject: t.subject(product),
    preheader: t.preheader(product),
    heading: t.heading,
    paragraphs: [t.what(product, input.newAddressMasked), t.signIn, t.notYou],
    help: t.help,
  }));
}
