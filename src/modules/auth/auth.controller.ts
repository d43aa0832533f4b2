import type { Request, RequestHandler, Response } from 'express';
import { resolveLocale } from '../email';
import type { OtpService } from './otp.service';
import type { ClientContext, SessionService } from './session.service';
import { tokensView } from './auth.views';

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

export function createAuthController(deps: { otp: OtpService; sessions: SessionService }) {
  const requestCode: RequestHandler = async (req, res) => {
    const body = req.body as { email: string; locale?: string };
    const locale = resolveLocale(body.locale, req.get('accept-language'));
    await deps.otp.request(body.email, { ...clientContext(req, res), locale });
    res.status(202).json(OTP_ACCEPTED_BODY);
  };

  const verifyCode: RequestHandler = async (req, res) => {
    const body = req.body as { email: string; code: string };
    const tokens = await deps.otp.verify(body.email, body.code, clientContext(req, res));
    res.status(200).json(tokensView(tokens));
  };

  const refresh: RequestHandler = async (req, res) => {
    const tokens = await deps.sessions.refresh((req.body as { refreshToken: string }).refreshToken, {
      requestId: res.locals.requestId,
    });
    res.status(200).json(tokensView(tokens));
  };

  /** Logout revokes at once and tells the browser to drop whatever it kept. */
  const logout: RequestHandler = async (_req, res: Response) => {
    const auth = res.locals.auth;
    await deps.sessions.revoke(auth.userId, auth.session.id, 'logout', {
      requestId: res.locals.requestId,
    });
    res.setHeader('Clear-Site-Data', '"cookies", "storage"');
    res.status(204).end();
  };

  return { requestCode, verifyCode, refresh, logout };
}
