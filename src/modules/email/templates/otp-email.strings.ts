/** Locales the OTP email is translated into; adding one means adding its entry to OTP_EMAIL_STRINGS. */
export const SUPPORTED_LOCALES = ['en', 'es', 'fr', 'de'] as const;

/** One of SUPPORTED_LOCALES. */
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

/**
 * The wording of the OTP email in one language. Values are plain text: the template escapes them.
 * `duration` arguments arrive already formatted, e.g. "10 minutes" (see `minute`).
 */
export interface OtpEmailStrings {
  /** Never include the code: subjects show on lock screens and in notification previews. */
  subject: (product: string) => string;
  /** Inbox preview text shown after the subject; for the same reason, never the code. */
  preheader: (product: string, duration: string) => string;
  heading: string;
  intro: (product: string) => string;
  validity: (duration: string) => string;
  ignore: string;
  /** Before the sign-in link (OTP_MAGIC_LINK): it signs in whichever device and browser open it. */
  linkIntro: string;
  /** The sign-in link's button. */
  linkAction: (product: string) => string;
  /** Sentence start completed by the support address and a full stop. */
  help: string;
  /** Singular and plural of "minute", chosen with Intl.PluralRules for the locale. */
  minute: { one: string; other: string };
}

/** Every translation of the OTP email, keyed by locale. */
export const OTP_EMAIL_STRINGS: Readonly<Record<SupportedLocale, OtpEmailStrings>> = {
  en: {
    subject: (product) => `Your ${product} sign-in code`,
    preheader: (product, duration) => `Use this code to sign in to ${product}. It is valid for ${duration}.`,
    heading: 'Your sign-in code',
    intro: (product) => `Enter this code to sign in to ${product}:`,
    validity: (duration) => `This code is valid for ${duration}.`,
    ignore: "If you didn't request this code, you can ignore this email.",
    linkIntro:
      'Or sign in with this link instead, as long as the code is valid. It signs in the device and browser you open it in.',
    linkAction: (product) => `Sign in to ${product}`,
    help: 'Need help? Contact us at',
    minute: { one: 'minute', other: 'minutes' },
  },
  es: {
    subject: (product) => `Tu código de inicio de sesión de ${product}`,
    preheader: (product, duration) =>
      `Usa este código para iniciar sesión en ${product}. Es válido durante ${duration}.`,
    heading: 'Tu código de inicio de sesión',
    intro: (product) => `Introduce este código para iniciar sesión en ${product}:`,
    validity: (duration) => `Este código es válido durante ${duration}.`,
    ignore: 'Si no has solicitado este código, puedes ignorar este correo.',
    linkIntro:
      'O inicia sesión con este enlace mientras el código sea válido. Inicia la sesión en el dispositivo y el navegador en que lo abras.',
    linkAction: (product) => `Iniciar sesión en ${product}`,
    help: '¿Necesitas ayuda? Escríbenos a',
    minute: { one: 'minuto', other: 'minutos' },
  },
  fr: {
    subject: (product) => `Votre code de connexion à ${product}`,
    preheader: (product, duration) =>
      `Utilisez ce code pour vous connecter à ${product}. Il est valable ${duration}.`,
    heading: 'Votre code de connexion',
    intro: (product) => `Saisissez ce code pour vous connecter à ${product}\u00a0:`,
    validity: (duration) => `Ce code est valable ${duration}.`,
    ignore: 'Si vous n’avez pas demandé ce code, vous pouvez ignorer cet e-mail.',
    linkIntro:
      'Ou connectez-vous avec ce lien tant que le code est valable. Il connecte l’appareil et le navigateur dans lesquels vous l’ouvrez.',
    linkAction: (product) => `Se connecter à ${product}`,
    help: 'Besoin d’aide\u00a0? Écrivez-nous à',
    minute: { one: 'minute', other: 'minutes' },
  },
  de: {
    subject: (product) => `Ihr Anmeldecode für ${product}`,
    preheader: (product, duration) =>
      `Verwenden Sie diesen Code, um sich bei ${product} anzumelden. Er ist ${duration} lang gültig.`,
    heading: 'Ihr Anmeldecode',
    intro: (product) => `Geben Sie diesen Code ein, um sich bei ${product} anzumelden:`,
    validity: (duration) => `Dieser Code ist ${duration} lang gültig.`,
    ignore: 'Falls Sie diesen Code nicht angefordert haben, können Sie diese E-Mail ignorieren.',
    linkIntro:
      'Oder melden Sie sich mit diesem Link an, solange der Code gültig ist. Er meldet das Gerät und den Browser an, in dem Sie ihn öffnen.',
    linkAction: (product) => `Bei ${product} anmelden`,
    help: 'Brauchen Sie Hilfe? Schreiben Sie uns an',
    minute: { one: 'Minute', other: 'Minuten' },
  },
};
