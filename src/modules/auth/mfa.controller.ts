import type { RequestHandler } from 'express';
import { resolveLocale } from '../email';
import type { MfaService, StepUpProof } from './mfa.service';
import type { OtpService } from './otp.service';
import { tokensAnswer, type CookieModeConfig } from './cookie-mode';
import { OTP_ACCEPTED_BODY, clientContext } from './auth.controller';
import { AppError } from '../../platform/errors/app-error';

export function createMfaController(deps: { mfa: MfaService; otp: OtpService; cookies: CookieModeConfig }) {
  const enrolTotp: RequestHandler = async (_req, res) => {
    res.status(201).json(await deps.mfa.enrol(res.locals.auth));
  };

  const confirmTotp: RequestHandler = async (req, res) => {
    const { code } = req.body as { code: string };
    const out = await deps.mfa.confirm(res.locals.auth, code, clientContext(req, res));
    res
      .status(200)
      .json({ ...tokensAnswer(req, res, out.tokens, deps.cookies), recoveryCodes: out.recoveryCodes });
  };

  const stepUp: RequestHandler = async (req, res) => {
    const tokens = await deps.mfa.stepUp(res.locals.auth, req.body as StepUpProof, clientContext(req, res));
    res.status(200).json(tokensAnswer(req, res, tokens, deps.cookies));
  };

  /** A code to the user's own address, through the sign-in code path (same limits, same answer). */
  const stepUpEmail: RequestHandler = async (req, res) => {
    const user = await deps.mfa.userOf(res.locals.auth);
    if (!user) throw new AppError('invalid_token');
    const locale = resolveLocale(undefined, req.get('accept-language'));
    await deps.otp.request(user.email, { ...clientContext(req, res), locale });
    res.status(202).json(OTP_ACCEPTED_BODY);
  };

  const deleteTotp: RequestHandler = async (_req, res) => {
    await deps.mfa.disable(res.locals.auth);
    res.status(204).end();
  };

  const regenerateRecoveryCodes: RequestHandler = async (_req, res) => {
    res.status(200).json({ recoveryCodes: await deps.mfa.regenerateRecoveryCodes(res.locals.auth) });
  };

  const deleteOtherSessions: RequestHandler = async (_req, res) => {
    await deps.mfa.signOutOthers(res.locals.auth, { requestId: res.locals.requestId });
    res.status(204).end();
  };

  return {
    enrolTotp,
    confirmTotp,
    stepUp,
    stepUpEmail,
    deleteTotp,
    regenerateRecoveryCodes,
    deleteOtherSessions,
  };
}
