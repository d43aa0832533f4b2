import type { SupportedLocale } from '../email';

/**
 * The wording of the new-sign-in email link's pages (session-link.controller.ts) in one
 * language, in the locales of the emails. Plain text: the page escapes it.
 */
export interface SessionLinkPageStrings {
  /** GET: the confirmation page, whose button posts the link back. */
  confirmTitle: string;
  confirmBody: string;
  confirmButton: string;
  /** POST: the session is revoked. */
  doneTitle: string;
  doneBody: string;
  /** POST again: the link was used already (410). */
  usedTitle: string;
  usedBody: string;
  /** Tampered, expired or unknown (404). */
  invalidTitle: string;
  invalidBody: string;
}

export const SESSION_LINK_PAGE_STRINGS: Readonly<Record<SupportedLocale, SessionLinkPageStrings>> = {
  en: {
    confirmTitle: 'Sign out that device?',
    confirmBody: 'This signs out the device of the new sign-in you were told about. Its access ends at once.',
    confirmButton: 'Sign out that device',
    doneTitle: 'Device signed out',
    doneBody: 'That device is signed out. If you did not sign in, sign in again and review your sessions.',
    usedTitle: 'Link already used',
    usedBody: 'This link has been used already.',
    invalidTitle: 'Link not valid',
    invalidBody: 'This link is not valid or has expired. Sign in and review your sessions instead.',
  },
  es: {
    confirmTitle: '¿Cerrar la sesión de ese dispositivo?',
    confirmBody:
      'Esto cierra la sesión del dispositivo del nuevo inicio de sesión del que te avisamos. Su acceso termina de inmediato.',
    confirmButton: 'Cerrar la sesión de ese dispositivo',
    doneTitle: 'Sesión del dispositivo cerrada',
    doneBody:
      'Se ha cerrado la sesión de ese dispositivo. Si no fuiste tú, vuelve a iniciar sesión y revisa tus sesiones.',
    usedTitle: 'Enlace ya utilizado',
    usedBody: 'Este enlace ya se ha utilizado.',
    invalidTitle: 'Enlace no válido',
    invalidBody: 'Este enlace no es válido o ha caducado. Inicia sesión y revisa tus sesiones.',
  },
  fr: {
    confirmTitle: 'Déconnecter cet appareil ?',
    confirmBody:
      'Cela déconnecte l’appareil de la nouvelle connexion qui vous a été signalée. Son accès prend fin immédiatement.',
    confirmButton: 'Déconnecter cet appareil',
    doneTitle: 'Appareil déconnecté',
    doneBody:
      'Cet appareil est déconnecté. Si ce n’était pas vous, reconnectez-vous et vérifiez vos sessions.',
    usedTitle: 'Lien déjà utilisé',
    usedBody: 'Ce lien a déjà été utilisé.',
    invalidTitle: 'Lien non valide',
    invalidBody: 'Ce lien n’est pas valide ou a expiré. Connectez-vous et vérifiez plutôt vos sessions.',
  },
  de: {
    confirmTitle: 'Dieses Gerät abmelden?',
    confirmBody:
      'Damit wird das Gerät der neuen Anmeldung abgemeldet, über die wir Sie informiert haben. Sein Zugriff endet sofort.',
    confirmButton: 'Dieses Gerät abmelden',
    doneTitle: 'Gerät abgemeldet',
    doneBody:
      'Dieses Gerät ist abgemeldet. Wenn Sie das nicht waren, melden Sie sich erneut an und prüfen Sie Ihre Sitzungen.',
    usedTitle: 'Link bereits verwendet',
    usedBody: 'Dieser Link wurde bereits verwendet.',
    invalidTitle: 'Link ungültig',
    invalidBody:
      'Dieser Link ist ungültig oder abgelaufen. Melden Sie sich an und prüfen Sie stattdessen Ihre Sitzungen.',
  },
};
