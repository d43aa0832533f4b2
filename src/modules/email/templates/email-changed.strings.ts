import type { SupportedLocale } from './otp-email.strings';

/**
 * The wording of the notice sent to an account's OLD address after its address was changed,
 * in one language. Plain text: the template escapes it. `newAddress` is masked (`jo***@x.org`).
 */
export interface EmailChangedStrings {
  subject: (product: string) => string;
  preheader: (product: string) => string;
  heading: string;
  what: (product: string, newAddress: string) => string;
  signIn: string;
  notYou: string;
  /** Sentence start completed by the support address and a full stop. */
  help: string;
}

/** Every translation of the address-changed notice, in the locales of the code email. */
export const EMAIL_CHANGED_STRINGS: Readonly<Record<SupportedLocale, EmailChangedStrings>> = {
  en: {
    subject: (product) => `The email address of your ${product} account was changed`,
    preheader: (product) => `Your ${product} account now signs in with another address.`,
    heading: 'Your email address was changed',
    what: (product, to) => `The email address of your ${product} account was just changed to ${to}.`,
    signIn:
      'Sign-in codes are now sent to the new address only; this address no longer signs in to the account.',
    notYou: 'If you did not make this change, contact us at once so that we can secure your account.',
    help: 'Need help? Contact us at',
  },
  es: {
    subject: (product) => `Se cambió la dirección de correo de tu cuenta de ${product}`,
    preheader: (product) => `Tu cuenta de ${product} inicia sesión ahora con otra dirección.`,
    heading: 'Se cambió tu dirección de correo',
    what: (product, to) => `La dirección de correo de tu cuenta de ${product} se acaba de cambiar a ${to}.`,
    signIn:
      'Los códigos de inicio de sesión se envían ahora solo a la nueva dirección; esta ya no permite entrar en la cuenta.',
    notYou: 'Si no has hecho este cambio, escríbenos de inmediato para que podamos proteger tu cuenta.',
    help: '¿Necesitas ayuda? Escríbenos a',
  },
  fr: {
    subject: (product) => `L’adresse e-mail de votre compte ${product} a été modifiée`,
    preheader: (product) => `Votre compte ${product} se connecte désormais avec une autre adresse.`,
    heading: 'Votre adresse e-mail a été modifiée',
    what: (product, to) => `L’adresse e-mail de votre compte ${product} vient d’être remplacée par ${to}.`,
    signIn:
      'Les codes de connexion sont désormais envoyés à la nouvelle adresse uniquement\u00a0; celle-ci ne permet plus de se connecter au compte.',
    notYou:
      'Si vous n’êtes pas à l’origine de ce changement, écrivez-nous immédiatement afin que nous sécurisions votre compte.',
    help: 'Besoin d’aide\u00a0? Écrivez-nous à',
  },
  de: {
    subject: (product) => `Die E-Mail-Adresse Ihres ${product}-Kontos wurde geändert`,
    preheader: (product) => `Ihr ${product}-Konto meldet sich jetzt mit einer anderen Adresse an.`,
    heading: 'Ihre E-Mail-Adresse wurde geändert',
    what: (product, to) => `Die E-Mail-Adresse Ihres ${product}-Kontos wurde soeben in ${to} geändert.`,
    signIn:
      'Anmeldecodes gehen jetzt nur noch an die neue Adresse; mit dieser Adresse kann man sich nicht mehr bei dem Konto anmelden.',
    notYou:
      'Falls Sie diese Änderung nicht vorgenommen haben, schreiben Sie uns sofort, damit wir Ihr Konto sichern können.',
    help: 'Brauchen Sie Hilfe? Schreiben Sie uns an',
  },
};
