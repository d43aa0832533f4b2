import { randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors/app-error';
import { cookiesOf } from '../../platform/http/validate';
import { safeEqual } from '../../platform/secrets';
import { tokensView } from './auth.views';
import type { IssuedTokens } from './session.service';

/*
 * Cookie mode (docs/api.md, "Cookie mode"): a browser asks for it with `X-Auth-Mode: cookie`
 * and gets its refresh token in an HttpOnly `__Host-` cookie, never in the body, plus a CSRF
 * token in a second cookie that its script can read and send back as `X-CSRF-Token`.
 */

export const AUTH_MODE_HEADER = 'X-Auth-Mode';
export const CSRF_HEADER = 'X-CSRF-Token';
/** `__Host-`: set only over HTTPS, with Path=/ and no Domain, so no other host can plant or read it. */
export const REFRESH_COOKIE = '__Host-refresh';
export const CSRF_COOKIE = '__Host-csrf';

const BASE: CookieOptions = { secure: true, sameSite: 'strict', path: '/' };

/** What the clock of the cookie helpers is, and which origins may send a cookie-authenticated request. */
export interface CookieModeConfig {
  clock: Clock;
  /** CORS_ORIGIN: the browser origins allowed to call the API. */
  corsOrigins: readonly string[];
}

/** The answer of a sign-in, step-up or refresh in cookie mode: no refresh token, a CSRF token. */
export type CookieSessionBody = Omit<ReturnType<typeof tokensView>, 'refreshToken'> & { csrfToken: string };

/** Whether the request asks for cookie mode (the route's schema has checked the header's value). */
export const wantsCookieMode = (req: Request): boolean =>
  req.get(AUTH_MODE_HEADER)?.toLowerCase() === 'cookie';

/**
 * Sets the cookie pair for `tokens` and returns the body to send: the refresh token in
 * `__Host-refresh` (HttpOnly) and a new random CSRF token in `__Host-csrf` (readable by the
 * page's script) and in the body as `csrfToken`. Both live as long as the session may be
 * refreshed (its idle expiry, capped by its absolute one). Any route that signs a browser in
 * calls this (verify, step-up, refresh, the magic link).
 */
export function issueCookieSession(
  res: Response,
  tokens: IssuedTokens,
  config: Pick<CookieModeConfig, 'clock'>,
): CookieSessionBody {
  const maxAge = Math.max(0, tokens.session.expiresAt.getTime() - config.clock.now().getTime());
  const csrfToken = randomBytes(32).toString('base64url');
  res.cookie(REFRESH_COOKIE, tokens.refreshToken, { ...BASE, httpOnly: true, maxAge });
  res.cookie(CSRF_COOKIE, csrfToken, { ...BASE, httpOnly: false, maxAge });
  const { refreshToken: _kept, ...body } = tokensView(tokens);
  return { ...body, csrfToken };
}

/** A token pair answered in the mode the request asked for: the cookie pair, or all in the body. */
export const tokensAnswer = (
  req: Request,
  res: Response,
  tokens: IssuedTokens,
  config: Pick<CookieModeConfig, 'clock'>,
): ReturnType<typeof tokensView> | CookieSessionBody =>
  wantsCookieMode(req) ? issueCookieSession(res, tokens, config) : tokensView(tokens);

/** Expires both cookies (Max-Age=0): logout, and a refresh cookie that no longer works. */
export function clearCookieSession(res: Response): void {
  res.cookie(REFRESH_COOKIE, '', { ...BASE, httpOnly: true, maxAge: 0 });
  res.cookie(CSRF_COOKIE, '', { ...BASE, httpOnly: false, maxAge: 0 });
}

/** The refresh token the browser holds in `__Host-refresh`, if any. */
export function refreshCookieOf(req: Request): string | undefined {
  const value = cookiesOf(req)[REFRESH_COOKIE];
  return value ? value : undefined;
}

/** Whether the request carries either cookie of the pair (its answer then clears them at logout). */
export const hasCookieSession = (req: Request): boolean => {
  const jar = cookiesOf(req);
  return Boolean(jar[REFRESH_COOKIE] || jar[CSRF_COOKIE]);
};

/**
 * The CSRF check of every request authenticated by the refresh cookie, before anything is
 * read or changed: the request comes from a page the API serves to browsers (an `Origin` in
 * CORS_ORIGIN, or `Sec-Fetch-Site: same-origin`; never `cross-site`), and its `X-CSRF-Token`
 * equals the `__Host-csrf` cookie (double submit; compared in constant time). A page on
 * another site can make the browser send the cookies, but can neither read the CSRF cookie
 * nor pass the Origin check. Else 403 `csrf_failed`.
 */
export function checkCsrf(req: Request, config: Pick<CookieModeConfig, 'corsOrigins'>): void {
  const origin = req.get('origin');
  const site = req.get('sec-fetch-site');
  const allowedOrigin = origin !== undefined && config.corsOrigins.includes(origin);
  if (site === 'cross-site' || !(allowedOrigin || site === 'same-origin'))
    throw new AppError('csrf_failed', { detail: 'The request does not come from an allowed origin' });
  const cookie = cookiesOf(req)[CSRF_COOKIE];
  const header = req.get(CSRF_HEADER);
  if (!cookie || !header || !safeEqual(cookie, header))
    throw new AppError('csrf_failed', {
      detail: 'X-CSRF-Token is missing or does not match the CSRF cookie',
    });
}
