import Joi from 'joi';
import { problem } from '../../platform/http/openapi';
import type { ResponseSpec, RouteSpec, RouteTable } from '../../platform/http/route-table';
import {
  otpRequestSchema,
  authModeHeaders,
  otpVerifySchema,
  revokeLinkQuery,
  sessionsQuery,
} from './auth.schemas';
import {
  cookieHeaders,
  otpAcceptedResponse,
  sessionPageResponse,
  tokenAnswer,
  userResponse,
} from './auth.responses';
import { magicLinkRoutes, type MagicLinkHandler } from './magic-link.routes';
import { refreshRoutes } from './refresh.routes';
import { mfaRoutes, type MfaHandler } from './mfa.routes';
import { accountRoutes, type AccountHandler } from './account.routes';

/** What the login module binds to its routes' names. */
export type AuthHandler =
  | 'requestCode'
  | 'verifyCode'
  | 'refresh'
  | 'logout'
  | 'me'
  | 'listSessions'
  | 'deleteSession'
  | 'revokeLinkPage'
  | 'revokeLinkConfirm'
  | 'linkLimiter'
  | 'verifyLimiter'
  | 'refreshLimiter'
  | 'captcha'
  | 'authenticate'
  | MfaHandler
  | MagicLinkHandler
  | AccountHandler;

const json = (schema: Joi.Schema) => ({ 'application/json': schema });
const common: Record<string, ResponseSpec> = {
  '400': problem('Invalid request (invalid_request, invalid_json)'),
  '413': problem('Body too large (payload_too_large)'),
  '415': problem('Body is not application/json (unsupported_media_type)'),
  '403': problem('The client address is refused by an IP rule (forbidden)'),
  '429': problem('Rate limited (rate_limited); see Retry-After'),
  '503': problem('A dependency is unavailable (service_unavailable)'),
};
const unauthorized = problem(
  'unauthorized, invalid_token, session_expired, or token_expired (refresh and retry)',
);
const bearer = { scheme: 'bearerAuth', check: 'authenticate' } as const;

const html = (description: string): ResponseSpec => ({
  description,
  content: { 'text/html': { type: 'string' } },
});
const revokeLink = {
  tags: ['account'],
  limiter: 'linkLimiter' as const,
  request: { query: revokeLinkQuery },
};
const linkResponses = {
  '400': problem('No token, or not one of ours in form (invalid_request)'),
  '404': html('The link is not genuine (tampered), or has expired, or its session is gone'),
  '429': common['429'],
  '503': common['503'],
};

/** The signed single-use link of the new-sign-in email (no bearer token: the link is the credential). */
const revokeLinkRoutes = [
  {
    ...revokeLink,
    method: 'get' as const,
    path: '/v1/sessions/revoke-link',
    operationId: 'revokeLinkPage',
    summary: 'The confirmation page of a new-sign-in email link',
    description:
      'An HTML page (no script) with a form that posts the token back. It changes nothing: mail scanners follow links.',
    responses: { '200': html('The confirmation page'), ...linkResponses },
    handler: 'revokeLinkPage' as const,
  },
  {
    ...revokeLink,
    method: 'post' as const,
    path: '/v1/sessions/revoke-link',
    operationId: 'revokeLinkConfirm',
    summary: 'Revoke the session a new-sign-in email link names',
    description:
      'Revokes that session (its refresh token and access tokens stop working). Single use: a second use answers 410.',
    responses: {
      '200': html('The session is revoked'),
      ...linkResponses,
      '410': html('The link was used already'),
    },
    handler: 'revokeLinkConfirm' as const,
  },
] satisfies Array<RouteSpec<AuthHandler>>;

/** The login routes: flat on the app (the hot paths), the card's /otp aliases behind a flag. */
export function authRouteTable(options: { codeLength: number; captcha: boolean }): RouteTable<AuthHandler> {
  return {
    routes: [
      {
        method: 'post',
        path: '/v1/otp/request',
        operationId: 'requestOtp',
        alias: {
          path: '/otp/request',
          operationId: 'requestOtpUnversioned',
          description: 'Alias of /v1/otp/request.',
        },
        tags: ['otp'],
        summary: 'Send a sign-in code to an email address',
        description:
          'Always answers 202 with the same body for any syntactically valid address, known or not. Only the per-email resend cooldown is told (429 + Retry-After). With a CAPTCHA configured, captchaToken is checked with the provider first: missing or refused is 403 captcha_failed; a provider that cannot be reached is 503 (fail closed).',
        ...(options.captcha ? { precheck: 'captcha' as const } : {}),
        request: { body: otpRequestSchema(options) },
        responses: {
          '202': { description: 'Accepted', content: json(otpAcceptedResponse) },
          ...common,
          '403': problem(
            'The address is refused by an IP rule (forbidden), or the CAPTCHA is missing or refused (captcha_failed)',
          ),
          '503': problem('A dependency, or the CAPTCHA provider, is unavailable (service_unavailable)'),
        },
        handler: 'requestCode',
      },
      {
        method: 'post',
        path: '/v1/otp/verify',
        operationId: 'verifyOtp',
        alias: {
          path: '/otp/verify',
          operationId: 'verifyOtpUnversioned',
          description: 'Alias of /v1/otp/verify.',
        },
        tags: ['otp'],
        summary: 'Exchange a code for tokens',
        description:
          'Wrong, expired, used and locked codes all answer 401 invalid_code. The first success creates the user. With X-Auth-Mode: cookie the refresh token is set as the __Host-refresh cookie instead of being in the body (docs/api.md, "Cookie mode").',
        limiter: 'verifyLimiter',
        request: { body: otpVerifySchema(options.codeLength), headers: authModeHeaders },
        responses: {
          '200': { description: 'Signed in', headers: cookieHeaders, content: json(tokenAnswer) },
          '401': problem('invalid_code'),
          ...common,
        },
        handler: 'verifyCode',
      },
      ...refreshRoutes,
      {
        method: 'get',
        path: '/v1/users/me',
        operationId: 'me',
        tags: ['account'],
        summary: 'The signed-in user',
        auth: bearer,
        responses: {
          '200': { description: 'User', content: json(userResponse) },
          '401': unauthorized,
          '429': common['429'],
        },
        handler: 'me',
      },
      {
        method: 'get',
        path: '/v1/sessions',
        operationId: 'listSessions',
        tags: ['account'],
        summary: "The user's active sessions, newest first",
        auth: bearer,
        request: { query: sessionsQuery },
        responses: {
          '200': { description: 'A page of sessions', content: json(sessionPageResponse) },
          '400': common['400'],
          '401': unauthorized,
        },
        handler: 'listSessions',
      },
      ...revokeLinkRoutes,
      {
        method: 'delete',
        path: '/v1/sessions/:id',
        operationId: 'deleteSession',
        tags: ['account'],
        summary: 'Revoke one of your sessions',
        auth: bearer,
        // A malformed id answers 404 like an unknown one (account.controller.ts), not 400.
        request: { params: Joi.object({ id: Joi.string().meta({ format: 'uuid' }) }) },
        responses: { '204': { description: 'Revoked' }, '401': unauthorized, '404': problem('not_found') },
        handler: 'deleteSession',
      },
      ...mfaRoutes(options),
      ...magicLinkRoutes,
      ...accountRoutes(options),
    ],
  };
}
