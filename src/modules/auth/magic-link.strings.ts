import type { resolveLocale } from '../email';

/** One of the locales of the emails (en, es, fr, de). */
export type PageLocale = ReturnType<typeof resolveLocale>;

/** The sign-in link's pages in one language. Plain text: the controller escapes every value. */
export interface MagicLinkStrings {
  confirmTitle: (product: string) => string;
  /** Followed by the account's address. */
  account: string;
  confirmLead: (product: string) => string;
  /** Says that the device and browser that confirm are the ones signed in. */
  thisDevice: string;
  notYou: string;
  button: string;
  invalidTitle: string;
  invalidBody: string;
  crossSiteTitle: string;
  crossSiteBody: string;
}

export const MAGIC_LINK_STRINGS: Readonly<Record<PageLocale, MagicLinkStrings>> = {
  en: {
    confirmTitle: (product) => `Sign in to ${product}?`,
    account: 'Account:',
    confirmLead: (product) => `Press the button to sign in to ${product} on this device, in this browser.`,
    thisDevice:
      'The link signs in the device and browser it is opened in, even if you asked for the code on another one. To sign in elsewhere, open the link there or type the code from the email.',
    notYou: 'If you did not ask to sign in, close this page: nothing happens.',
    button: 'Sign in on this device',
    invalidTitle: 'This sign-in link does not work',
    invalidBody: 'It has expired, has been used already, or is incomplete. Ask for a new code to sign in.',
    crossSiteTitle: 'Open the link from your email',
    crossSiteBody:
      'This sign-in did not come from the link’s own page, so nothing happened. Open the link in your email again and press the button there.',
  },
  es: {
    confirmTitle: (product) => `¿Iniciar sesión en ${product}?`,
    account: 'Cuenta:',
    confirmLead: (product) =>
      `Pulsa el botón para iniciar sesión en ${product} en este dispositivo, en este navegador.`,
    thisDevice:
      'El enlace inicia la sesión en el dispositivo y el navegador en que se abre, aunque pidieras el código en otro. Para iniciar sesión en otro sitio, abre allí el enlace o escribe el código del correo.',
    notYou: 'Si no has pedido iniciar sesión, cierra esta página: no pasará nada.',
    button: 'Iniciar sesión en este dispositivo',
    invalidTitle: 'Este enlace de inicio de sesión no funciona',
    invalidBody: 'Ha caducado, ya se ha usado o está incompleto. Pide un código nuevo para iniciar sesión.',
    crossSiteTitle: 'Abre el enlace desde tu correo',
    crossSiteBody:
      'Este inicio de sesión no vino de la página del enlace, así que no ha pasado nada. Vuelve a abrir el enlace de tu correo y pulsa allí el botón.',
  },
  fr: {
    confirmTitle: (product) => `Se connecter à ${product}\u00a0?`,
    account: 'Compte\u00a0:',
    confirmLead: (product) =>
      `Appuyez sur le bouton pour vous connecter à ${product} sur cet appareil, dans ce navigateur.`,
    thisDevice:
      'Le lien connecte l’appareil et le navigateur dans lesquels il est ouvert, même si vous avez demandé le code sur un autre. Pour vous connecter ailleurs, ouvrez le lien là-bas ou saisissez le code de l’e-mail.',
    notYou: 'Si vous n’avez pas demandé à vous connecter, fermez cette page\u00a0: rien ne se passera.',
    button: 'Me connecter sur cet appareil',
    invalidTitle: 'Ce lien de connexion ne fonctionne pas',
    invalidBody:
      'Il a expiré, a déjà été utilisé ou est incomplet. Demandez un nouveau code pour vous connecter.',
    crossSiteTitle: 'Ouvrez le lien depuis votre e-mail',
    crossSiteBody:
      'Cette connexion ne provient pas de la page du lien, donc rien ne s’est passé. Rouvrez le lien de votre e-mail et appuyez sur le bouton de cette page.',
  },
  de: {
    confirmTitle: (product) => `Bei ${product} anmelden?`,
    account: 'Konto:',
    confirmLead: (product) =>
      `Tippen Sie auf die Schaltfläche, um sich auf diesem Gerät in diesem Browser bei ${product} anzumelden.`,
    thisDevice:
      'Der Link meldet das Gerät und den Browser an, in dem er geöffnet wird, auch wenn Sie den Code auf einem anderen Gerät angefordert haben. Um sich anderswo anzumelden, öffnen Sie den Link dort oder geben Sie den Code aus der E-Mail ein.',
    notYou: 'Wenn Sie keine Anmeldung angefordert haben, schließen Sie diese Seite: Es passiert nichts.',
    button: 'Auf diesem Gerät anmelden',
    invalidTitle: 'Dieser Anmeldelink funktioniert nicht',
    invalidBody:
      'Er ist abgelaufen, wurde schon verwendet oder ist unvollständig. Fordern Sie einen neuen Code an, um sich anzumelden.',
    crossSiteTitle: 'Öffnen Sie den Link aus Ihrer E-Mail',
    crossSiteBody:
      'Diese Anmeldung kam nicht von der Seite des Links, daher ist nichts passiert. Öffnen Sie den Link in Ihrer E-Mail erneut und tippen Sie dort auf die Schaltfläche.',
  },
};
