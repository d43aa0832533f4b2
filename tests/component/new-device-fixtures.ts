import type { TestApp } from '../helpers/test-app';

/** Shared by the new-sign-in email tests (new-device.test.ts, new-device-pages.test.ts). */

export type SignedIn = { accessToken: string; refreshToken: string; session: { id: string } };

export const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
export const FIREFOX_LINUX_NEXT = 'Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0';
export const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
export const SUBJECT = 'New sign-in to OTP Login';

let seq = 0;
export const freshEmail = (label: string) => `new-device-${label}-${++seq}@example.com`;

/** Signs in from a device (user agent) and network, then lets two minutes pass. */
export async function signInWith(
  t: TestApp,
  email: string,
  userAgent: string,
  ip = '203.0.113.77',
): Promise<SignedIn> {
  const code = await t.requestCode(email);
  const res = await t.http
    .post('/v1/otp/verify')
    .set('User-Agent', userAgent)
    .set('X-Forwarded-For', ip)
    .send({ email, code });
  if (res.status !== 200) throw new Error(`verify failed: ${res.status}`);
  await t.container.queue.drain();
  t.clock.advance(120_000);
  return res.body as SignedIn;
}

export const notices = (t: TestApp, email: string) => t.mailer.to(email).filter((m) => m.subject === SUBJECT);

/** The link of the newest new-sign-in email, as a path and query the test app can be asked. */
export function linkOf(t: TestApp, email: string): string {
  const all = notices(t, email);
  const match = /https?:\/\/[^/\s]+(\/v1\/sessions\/revoke-link\?token=[A-Za-z0-9_.%-]+)/.exec(
    all[all.length - 1]?.text ?? '',
  );
  if (!match) throw new Error('no revoke link in the email');
  return match[1];
}
