import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import type { TestApp } from '../helpers/test-app';

/** Shared by cookie-mode.test.ts and cookie-mode-csrf.test.ts. */

/** The tests' CORS_ORIGIN (the default). */
export const ORIGIN = 'http://localhost:3000';
export const CODE = '424242';

let seq = 0;
/** A fresh test account (OTP_TEST_ACCOUNTS) for each sign-in, so no cooldown is in the way. */
export const ACCOUNTS = Array.from({ length: 40 }, () => `cookie-${++seq}@example.test`);
export const testAccountsEnv = () => ACCOUNTS.map((email) => `${email}:${CODE}`).join(',');

export interface SetCookie {
  value: string;
  /** Attribute names lower-cased, with their values (`''` for a flag such as HttpOnly). */
  attributes: Record<string, string>;
}

/** The response's Set-Cookie headers by cookie name. */
export function setCookies(res: Response): Record<string, SetCookie> {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  const out: Record<string, SetCookie> = {};
  for (const line of raw ?? []) {
    const [pair, ...attrs] = line.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = {
      value: decodeURIComponent(pair.slice(eq + 1)),
      attributes: Object.fromEntries(
        attrs.map((a) => {
          const i = a.indexOf('=');
          return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
        }),
      ),
    };
  }
  return out;
}

/** What a browser holds after a cookie-mode answer. */
export interface Jar {
  refresh: string;
  csrf: string;
  accessToken: string;
  sessionId: string;
}

export const cookieHeader = (jar: Pick<Jar, 'refresh' | 'csrf'>) =>
  `__Host-refresh=${jar.refresh}; __Host-csrf=${jar.csrf}`;

export function jarOf(res: Response): Jar {
  const cookies = setCookies(res);
  return {
    refresh: cookies['__Host-refresh'].value,
    csrf: cookies['__Host-csrf'].value,
    accessToken: res.body.accessToken,
    sessionId: res.body.session.id,
  };
}

/** Signs `email` (a test account) in with X-Auth-Mode: cookie; returns the raw answer. */
export async function cookieSignIn(t: TestApp, email: string): Promise<Response> {
  const asked = await t.http.post('/v1/otp/request').send({ email });
  if (asked.status !== 202) throw new Error(`request failed: ${asked.status}`);
  return t.http.post('/v1/otp/verify').set('X-Auth-Mode', 'cookie').send({ email, code: CODE });
}

/** A request the way the app's page sends it: its Origin, both cookies, the CSRF header. */
export const fromApp = (t: TestApp, path: string, jar: Jar, origin = ORIGIN) =>
  t.http
    .post(path)
    .set('Origin', origin)
    .set('X-Auth-Mode', 'cookie')
    .set('Cookie', cookieHeader(jar))
    .set('X-CSRF-Token', jar.csrf);

/** The stored row of a refresh token (only its SHA-256 is kept). */
export const storedToken = (t: TestApp, token: string) =>
  t.container.store.refreshTokens.findByHash(createHash('sha256').update(token).digest('hex'));
