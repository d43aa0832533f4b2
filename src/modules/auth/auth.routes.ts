import type { RequestHandler, Router } from 'express';
import type { createAccountController } from './account.controller';
import type { createAuthController } from './auth.controller';
import { validateBody } from '../../platform/http/validate';
import { otpRequestSchema, otpVerifySchema, refreshSchema } from './auth.schemas';
import { route } from '../../platform/http/route';

interface V1Deps {
  auth: ReturnType<typeof createAuthController>;
  account: ReturnType<typeof createAccountController>;
  authenticate: RequestHandler;
  limiters: { verify: RequestHandler; refresh: RequestHandler };
  codeLength: number;
}

/**
 * POST <prefix>/request and <prefix>/verify: registered under /v1/otp and under the card's
 * unversioned /otp. Routes are registered on the app itself, with their full paths, rather than
 * on mounted routers: every router a request passes through costs it a dispatch of its own.
 */
export function registerOtpRoutes(target: Router, prefix: string, deps: V1Deps): void {
  route(target, `${prefix}/request`, { post: [validateBody(otpRequestSchema), deps.auth.requestCode] });
  route(target, `${prefix}/verify`, {
    post: [deps.limiters.verify, validateBody(otpVerifySchema(deps.codeLength)), deps.auth.verifyCode],
  });
}

export function registerV1Routes(target: Router, deps: V1Deps): void {
  registerOtpRoutes(target, '/v1/otp', deps);
  route(target, '/v1/auth/refresh', {
    post: [deps.limiters.refresh, validateBody(refreshSchema), deps.auth.refresh],
  });
  route(target, '/v1/auth/logout', { post: [deps.authenticate, deps.auth.logout] });
  route(target, '/v1/users/me', { get: [deps.authenticate, deps.account.me] });
  route(target, '/v1/sessions', { get: [deps.authenticate, deps.account.listSessions] });
  route(target, '/v1/sessions/:id', { delete: [deps.authenticate, deps.account.deleteSession] });
}
