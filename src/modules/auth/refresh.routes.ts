import type Joi from 'joi';
import { problem } from '../../platform/http/openapi';
import type { RouteSpec } from '../../platform/http/route-table';
import { cookieHeaders, tokenAnswer } from './auth.responses';
import { cookieAuthHeaders, logoutSchema, refreshSchema, sessionCookies } from './auth.schemas';

/** What refresh and logout bind. */
type Handler = 'refresh' | 'logout' | 'refreshLimiter';

const json = (schema: Joi.Schema) => ({ 'application/json': schema });
/** Either way of presenting a session: nothing the document can name (a body token), or the cookie pair. */
const cookieAuth = ['refreshCookie', 'csrfToken'] as const;
const csrfFailed = problem(
  'csrf_failed: a cookie-authenticated request without an allowed Origin (CORS_ORIGIN, or Sec-Fetch-Site: same-origin) and an X-CSRF-Token equal to the __Host-csrf cookie; nothing was changed',
);
const common = {
  '400': problem('Invalid request (invalid_request, invalid_json)'),
  '413': problem('Body too large (payload_too_large)'),
  '415': problem('Body is not application/json (unsupported_media_type)'),
  '429': problem('Rate limited (rate_limited); see Retry-After'),
  '503': problem('A dependency is unavailable (service_unavailable)'),
};

/**
 * Refresh and logout, in header mode (tokens in the body and the Authorization header) and in
 * cookie mode (the __Host-refresh cookie, with the CSRF check: docs/api.md, "Cookie mode").
 */
export const refreshRoutes: Array<RouteSpec<Handler>> = [
  {
    method: 'post',
    path: '/v1/auth/refresh',
    operationId: 'refresh',
    tags: ['auth'],
    summary: 'Rotate a refresh token',
    description:
      'Each refresh token is single use. Presenting a rotated token within the grace window returns the same successor; later, the session is revoked (refresh_token_reused). With no refreshToken in the body, the __Host-refresh cookie is used (cookie mode: the CSRF check applies, the answer sets a new cookie pair, and a cookie that no longer works is cleared).',
    limiter: 'refreshLimiter',
    security: [[], cookieAuth],
    request: { body: refreshSchema, bodyOptional: true, headers: cookieAuthHeaders, cookies: sessionCookies },
    responses: {
      '200': { description: 'New token pair', headers: cookieHeaders, content: json(tokenAnswer) },
      '401': problem(
        'invalid_token, refresh_token_reused or session_expired; unauthorized: cookie mode without a refresh cookie',
      ),
      '403': csrfFailed,
      ...common,
    },
    handler: 'refresh',
  },
  {
    method: 'post',
    path: '/v1/auth/logout',
    operationId: 'logout',
    tags: ['auth'],
    summary: 'Revoke the current session',
    description:
      "The session of the Bearer access token; without one, the body's refresh token, else the __Host-refresh cookie (CSRF check). The answer clears the cookie pair when the request had it.",
    security: [['bearerAuth'], [], cookieAuth],
    request: { body: logoutSchema, bodyOptional: true, headers: cookieAuthHeaders, cookies: sessionCookies },
    responses: {
      '204': {
        description: 'Revoked',
        headers: {
          'Clear-Site-Data': '"cookies", "storage"',
          'Set-Cookie': 'Cookie mode: both cookies expired (Max-Age=0)',
        },
      },
      '401': problem('unauthorized, invalid_token, session_expired, or token_expired'),
      '403': csrfFailed,
      ...common,
    },
    handler: 'logout',
  },
];
