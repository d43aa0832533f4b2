import type { TestApp } from '../helpers/test-app';

/** Where the test apps send a browser after a link signs it in (an origin CORS_ORIGIN lists). */
export const REDIRECT = 'http://localhost:3000/signed-in';
export const MAGIC_ENV = { MAGIC_LINK_REDIRECT_URL: REDIRECT, OTP_MAX_FAILED_PER_EMAIL_PER_HOUR: '100' };
export const LINK_IN_TEXT = /https?:\/\/[^/\s]+(\/v1\/auth\/magic\/([A-Za-z0-9_-]+))/;

let seq = 0;
export const freshEmail = (label: string) => `magic-${label}-${++seq}@example.com`;

/** Asks for a code and reads the email: its code, and its link's path and token. */
export async function requestLink(t: TestApp, email: string) {
  const code = await t.requestCode(email);
  const mails = t.mailer.to(email);
  const mail = mails[mails.length - 1];
  const match = LINK_IN_TEXT.exec(mail.text);
  if (!match) throw new Error('no sign-in link in the email');
  // The next request for this address would otherwise meet the resend cooldown.
  t.clock.advance(61_000);
  return { code, path: match[1], token: match[2], mail };
}

export const verify = (t: TestApp, email: string, code: string) =>
  t.http.post('/v1/otp/verify').send({ email, code });

/** The confirmation as the link's own page sends it (same origin). */
export const confirm = (t: TestApp, path: string) => t.http.post(path).set('Sec-Fetch-Site', 'same-origin');

export const sessionsOf = async (t: TestApp, email: string) => {
  const user = await t.container.store.users.findByEmail(email);
  if (!user) return 0;
  return (await t.container.store.sessions.listActiveForUser(user.id, t.clock.now(), { limit: 50 })).length;
};
