import type { SupportedLocale } from './otp-email.strings';

/**
 * The wording of the new-sign-in email (a sign-in from a device the account had not used) in
 * one language. Plain text: the template escapes it.
 */
export interface NewDeviceStrings {
  subject: (product: string) => string;
  preheader: (product: string) => string;
  heading: string;
  what: (product: string) => string;
  browser: string;
  os: string;
  time: string;
  network: string;
  /** Shown for a part of the device that was not recognised. */
  unknown: string;
  ifYou: string;
  notYou: string;
  action: string;
  /** Sentence start completed by the support address and a full stop. */
  help: string;
}

/** Every translation of the new-sign-in email, in the locales of the code email. */
export const NEW_DEVICE_STRINGS: Readonly<Record<SupportedLocale, NewDeviceStrings>> = {
  en: {
    subject: (product) => `New sign-in to ${product}`,
    preheader: (product) => `Your ${product} account was signed in to from a new device.`,
    heading: 'New sign-in from a new device',
    what: (product) => `Your ${product} account was just signed in to from a device it had not used before.`,
    browser: 'Browser',
    os: 'Operating system',
    time: 'Time (approximate)',
    network: 'Network',
    unknown: 'Unknown',
    ifYou: 'If this was you, you do not need to do anything.',
    notYou: 'If this was not you, sign that device out now. The link works once, for 7 days.',
    action: 'Sign out that device',
    help: 'Need help? Contact us at',
  },
  es: {
    subject: (product) => `Nuevo inicio de sesión en ${product}`,
    preheader: (product) => `Se inició sesión en tu cuenta de ${product} desde un dispositivo nuevo.`,
    heading: 'Nuevo inicio de sesión desde un dispositivo nuevo',
    what: (product) =>
      `Se acaba de iniciar sesión en tu cuenta de ${product} desde un dispositivo que no se había usado antes.`,
    browser: 'Navegador',
    os: 'Sistema operativo',
    time: 'Hora (aproximada)',
    network: 'Red',
    unknown: 'Desconocido',
    ifYou: 'Si fuiste tú, no tienes que hacer nada.',
    notYou:
      'Si no fuiste tú, cierra ahora la sesión de ese dispositivo. El enlace funciona una vez, durante 7 días.',
    action: 'Cerrar la sesión de ese dispositivo',
    help: '¿Necesitas ayuda? Escríbenos a',
  },
  fr: {
    subject: (product) => `Nouvelle connexion à ${product}`,
    preheader: (product) => `Votre compte ${product} a été connecté depuis un nouvel appareil.`,
    heading: 'Nouvelle connexion depuis un nouvel appareil',
    what: (product) =>
      `Votre compte ${product} vient d’être connecté depuis un appareil qu’il n’avait jamais utilisé.`,
    browser: 'Navigateur',
    os: 'Système d’exploitation',
    time: 'Heure (approximative)',
    network: 'Réseau',
    unknown: 'Inconnu',
    ifYou: 'Si c’était vous, vous n’avez rien à faire.',
    notYou:
      'Si ce n’était pas vous, déconnectez cet appareil maintenant. Le lien fonctionne une fois, pendant 7 jours.',
    action: 'Déconnecter cet appareil',
    help: 'Besoin d’aide ? Écrivez-nous à',
  },
  de: {
    subject: (product) => `Neue Anmeldung bei ${product}`,
    preheader: (product) => `Ihr ${product}-Konto wurde auf einem neuen Gerät angemeldet.`,
    heading: 'Neue Anmeldung auf einem neuen Gerät',
    what: (product) =>
      `Ihr ${product}-Konto wurde soeben auf einem Gerät angemeldet, das es bisher nicht verwendet hat.`,
    browser: 'Browser',
    os: 'Betriebssystem',
    time: 'Zeit (ungefähr)',
    network: 'Netzwerk',
    unknown: 'Unbekannt',
    ifYou: 'Wenn Sie das waren, müssen Sie nichts tun.',
    notYou:
      'Wenn Sie das nicht waren, melden Sie dieses Gerät jetzt ab. Der Link funktioniert einmal, 7 Tage lang.',
    action: 'Dieses Gerät abmelden',
    help: 'Brauchen Sie Hilfe? Schreiben Sie uns an',
  },
};
