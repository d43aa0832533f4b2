import { Router, type RequestHandler } from 'express';
import type { createAccountController } from '../controllers/account.controller';
import type { createAuthController } from '../controllers/auth.controller';
import { validateBody } from '../middlewares/validate';
import { otpRequestSchema, otpVerifySchema, refreshSchema } from '../schemas/request.schemas';
import { route } from './route';

interface V1Deps {
  auth: ReturnType<typeof createAuthController>;
  account: ReturnType<typeof createAccountController>;
  authenticate: RequestHandler;
  limiters: { verify: RequestHandler; refresh: RequestHandler };
  codeLength: number;
}

/** POST /otp/request and /otp/verify: mounted at /v1/otp and at the card's unversioned /otp. */
export function createOtpRouter(deps: V1Deps): Router {
  const router = Router();
  route(router, '/request', { post: [validateBody(otpRequestSchema), deps.auth.requestCode] });
  route(router, '/verify', {
    post: [deps.limiters.verify, validateBody(otpVerifySchema(deps.codeLength)), deps.auth.verifyCode],
  });
  return router;
}

export function createV1Router(deps: V1Deps): Router {
  const router = Router();
  router.use('/otp', createOtpRouter(deps));
  route(router, '/auth/refresh', {
    post: [deps.limiters.refresh, validateBody(refreshSchema), deps.auth.refresh],
  });
  route(router, '/auth/logout', { post: [deps.authenticate, deps.auth.logout] });
  route(router, '/users/me', { get: [deps.authenticate, deps.account.me] });
  route(router, '/sessions', { get: [deps.authenticate, deps.account.listSessions] });
  route(router, '/sessions/:id', { delete: [deps.authenticate, deps.account.deleteSession] });
  return router;
}
