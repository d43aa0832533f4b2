// TEMPORARY stand-in until branch cookie-mode is merged (it owns this file); removed before that merge.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import type { IssuedTokens } from './session.service';

export function issueCookieSession(res: Response, tokens: IssuedTokens, _config: unknown): string {
  const csrf = randomBytes(32).toString('base64url');
  res.cookie('__Host-refresh', tokens.refreshToken, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: '/',
  });
  res.cookie('__Host-csrf', csrf, { secure: true, sameSite: 'strict', path: '/' });
  return csrf;
}
