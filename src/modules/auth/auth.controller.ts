import type { Request, RequestHandler, Response } from 'express';
import { resolveLocale } from '../email';
import type { OtpService } from './otp.service';
import { AppError } from '../../platform/errors/app-error';
import type { ClientContext, SessionService } from './session.service';
import { bearerCaller, type AuthContext } from './authenticate';
import {
  checkCsrf,
  clearCookieSession,
  hasCookieSession,
  issueCookieSession,
  refreshCookieOf,
  tokensAnswer,
  wantsCookieMode,
  type CookieModeConfig,
} from './cookie-mode';

/** What the login rules know of the client: request id, IP, user agent, language, client hints. */
export const clientContext = (req: Request, res: Response): ClientContext => ({
  requestId: res.locals.requestId,
  ip: req.ip ?? 'unknown',
  userAgent: req.get('user-agent'),
  acceptLanguage: req.get('accept-language'),
  clientHints: ['sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform']
    .map((h) => req.get(h) ?? '')
    .join('|')
    .slice(0, 512),
});

/** The identical body for every accepted request, whatever the address (no enumeration). */
export const OTP_ACCEPTED_BODY = {
  status: 'accepted',
  message: 'If the address can receive email, a sign-in code is on its way.',
} as const;

/** Whether an error means the refresh cookie is dead (unknown, reused, expired): the browser drops it. */
const deadCookie = (err: unknown) => err instanceof AppError && err.status === 401;

export function createAuthController(deps: {
  otp: OtpService;
  sessions: SessionService;
  cookies: CookieModeConfig;
}) {
  const { cookies } = deps;

  /** A call authenticated by the refresh cookie: CSRF checked first; a dead cookie is cleared. */
  async function withRefreshCookie<T>(req: Request, res: Response, use: (token: string) => Promise<T>) {
    const token = refreshCookieOf(req);
    if (!token) return undefined;
    checkCsrf(req, cookies);
    try {
      return { value: await use(token) };
    } catch (err) {
      if (deadCookie(err)) clearCookieSession(res);
      throw err;
    }
  }

  const requestCode: RequestHandler = async (req, res) => {
    const body = req.body as { email: string; locale?: string };
    const locale = resolveLocale(body.locale, req.get('accept-language'));
    await deps.otp.request(body.email, { ...clientContext(req, res), locale });
    res.status(202).json(OTP_ACCEPTED_BODY);
  };

  const verifyCode: RequestHandler = async (req, res) => {
    const body = req.body as { email: string; code: string };
    const tokens = await deps.otp.verify(body.email, body.code, clientContext(req, res));
    res.status(200).json(tokensAnswer(req, res, tokens, cookies));
  };

  /** The body's refresh token (answered in the asked mode), else the cookie's (answered in cookie mode). */
  const refresh: RequestHandler = async (req, res) => {
    const ctx = { requestId: res.locals.requestId };
    const bodyToken = (req.body as { refreshToken?: string } | undefined)?.refreshToken;
    if (bodyToken !== undefined) {
      const tokens = await deps.sessions.refresh(bodyToken, ctx);
      return void res.status(200).json(tokensAnswer(req, res, tokens, cookies));
    }
    const viaCookie = await withRefreshCookie(req, res, (t) => deps.sessions.refresh(t, ctx));
    if (viaCookie) return void res.status(200).json(issueCookieSession(res, viaCookie.value, cookies));
    if (wantsCookieMode(req))
      throw new AppError('unauthorized', { detail: 'No refresh cookie: sign in again' });
    throw new AppError('invalid_request', {
      fields: [{ field: 'refreshToken', message: 'refreshToken is required' }],
    });
  };

  /** Who is signing out: the Bearer token's session, else the body's refresh token, else the cookie's. */
  const logoutCaller = async (req: Request, res: Response): Promise<AuthContext> => {
    if (req.get('authorization') !== undefined) return bearerCaller(req, res, deps.sessions);
    const bodyToken = (req.body as { refreshToken?: string } | undefined)?.refreshToken;
    if (bodyToken !== undefined) return deps.sessions.sessionOfRefreshToken(bodyToken);
    const viaCookie = await withRefreshCookie(req, res, (t) => deps.sessions.sessionOfRefreshToken(t));
    if (viaCookie) return viaCookie.value;
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw new AppError('unauthorized');
  };

  /** Logout revokes at once and tells the browser to drop whatever it kept, the cookie pair included. */
  const logout: RequestHandler = async (req, res: Response) => {
    const auth = await logoutCaller(req, res);
    await deps.sessions.revoke(auth.userId, auth.session.id, 'logout', {
      requestId: res.locals.requestId,
    });
    if (wantsCookieMode(req) || hasCookieSession(req)) clearCookieSession(res);
    res.setHeader('Clear-Site-Data', '"cookies", "storage"');
    res.status(204).end();
  };

  return { requestCode, verifyCode, refresh, logout };
}
