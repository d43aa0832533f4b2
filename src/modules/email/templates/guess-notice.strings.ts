import type { SupportedLocale } from './otp-email.strings';

/**
 * The wording of the guess notice (an address's failure budget was spent on guesses at its
 * codes) in one language. Plain text: the template escapes it. It names no code, no network
 * and no count, only what happened and what the reader can do.
 */
export interface GuessNoticeStrings {
  subject: (product: string) => string;
  /** Inbox preview text shown after the subject. */
  preheader: (product: string) => string;
  heading: string;
  what: (product: string) => string;
  safe: string;
  paused: string;
  ifYou: string;
  /** Sentence start completed by the support address and a full stop. */
  help: string;
}

/** Every translation of the guess notice, in the locales of the code email. */
export const GUESS_NOTICE_STRINGS: Readonly<Record<SupportedLocale, GuessNoticeStrings>> = {
  en: {
    subject: (product) => `Someone is trying to sign in to ${product} as you`,
    preheader: (product) => `Wrong sign-in codes were entered for your address at ${product}.`,
    heading: 'Someone is trying to sign in as you',
    what: (product) => `Several wrong sign-in codes were just entered for this email address at ${product}.`,
    safe: 'Only the codes we send to this address can sign in. Never share a code with anyone: we will never ask you for one.',
    paused: 'To protect you, signing in with a code to this address may be paused for up to an hour.',
    ifYou: 'If this was you, you do not need to do anything.',
    help: 'Need help? Contact us at',
  },
  es: {
    subject: (product) => `Alguien intenta iniciar sesión en ${product} como tú`,
    preheader: (product) =>
      `Se introdujeron códigos de inicio de sesión incorrectos para tu dirección en ${product}.`,
    heading: 'Alguien intenta iniciar sesión como tú',
    what: (product) =>
      `Se acaban de introducir varios códigos de inicio de sesión incorrectos para esta dirección de correo en ${product}.`,
    safe: 'Solo los códigos que enviamos a esta dirección permiten iniciar sesión. No compartas nunca un código: nunca te pediremos uno.',
    paused:
      'Para protegerte, el inicio de sesión con código para esta dirección puede quedar en pausa hasta una hora.',
    ifYou: 'Si has sido tú, no tienes que hacer nada.',
    help: '¿Necesitas ayuda? Escríbenos a',
  },
  fr: {
    subject: (product) => `Quelqu’un essaie de se connecter à ${product} en votre nom`,
    preheader: (product) =>
      `Des codes de connexion erronés ont été saisis pour votre adresse sur ${product}.`,
    heading: 'Quelqu’un essaie de se connecter en votre nom',
    what: (product) =>
      `Plusieurs codes de connexion erronés viennent d’être saisis pour cette adresse e-mail sur ${product}.`,
    safe: 'Seuls les codes que nous envoyons à cette adresse permettent de se connecter. Ne communiquez jamais un code\u00a0: nous ne vous en demanderons jamais.',
    paused:
      'Pour vous protéger, la connexion par code pour cette adresse peut être suspendue pendant une heure au plus.',
    ifYou: 'Si c’était vous, vous n’avez rien à faire.',
    help: 'Besoin d’aide\u00a0? Écrivez-nous à',
  },
  de: {
    subject: (product) => `Jemand versucht, sich als Sie bei ${product} anzumelden`,
    preheader: (product) => `Für Ihre Adresse wurden bei ${product} falsche Anmeldecodes eingegeben.`,
    heading: 'Jemand versucht, sich als Sie anzumelden',
    what: (product) =>
      `Für diese E-Mail-Adresse wurden soeben bei ${product} mehrere falsche Anmeldecodes eingegeben.`,
    safe: 'Anmelden kann man sich nur mit den Codes, die wir an diese Adresse senden. Geben Sie einen Code niemals weiter: Wir werden Sie nie danach fragen.',
    paused:
      'Zu Ihrem Schutz kann die Anmeldung mit Code für diese Adresse bis zu einer Stunde lang pausiert werden.',
    ifYou: 'Falls Sie das waren, müssen Sie nichts tun.',
    help: 'Brauchen Sie Hilfe? Schreiben Sie uns an',
  },
};
