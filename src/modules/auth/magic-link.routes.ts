import Joi from 'joi';
import { problem } from '../../platform/http/openapi';
import type { ResponseSpec, RouteSpec } from '../../platform/http/route-table';

/** What the sign-in link's routes bind (magic-link.controller.ts and the link's limiter). */
export type MagicLinkHandler = 'magicLinkPage' | 'magicLinkConfirm' | 'magicLinkLimiter';

const html = (description: string): ResponseSpec => ({
  description,
  content: { 'text/html': { type: 'string' } },
});

const link = {
  path: '/v1/auth/magic/:token',
  tags: ['auth'],
  limiter: 'magicLinkLimiter' as const,
  request: {
    params: Joi.object({
      token: Joi.string()
        .max(100)
        .description('The token of the link in the code email (22 base64url characters, 128 random bits)'),
    }),
  },
};
const gone = html(
  'The link is unknown, used (by itself or by its code), expired or incomplete: one page for all, telling nothing more',
);
const common = {
  '400': problem('The token is longer than any token (invalid_request)'),
  '429': problem('Rate limited (rate_limited); see Retry-After'),
  '503': problem('A dependency is unavailable (service_unavailable)'),
};
const page = {
  ...link,
  summary: 'The confirmation page of a sign-in link',
  description:
    'An HTML page in the language of Accept-Language (en, es, fr, de), with no script, naming the account and saying that confirming signs in this device and browser; its button posts the link back. It consumes nothing: mail scanners and link previews that follow links burn nothing.',
  responses: { '200': html('The confirmation page'), '410': gone, ...common },
  handler: 'magicLinkPage' as const,
};

/**
 * The sign-in link of the code email (OTP_MAGIC_LINK; docs/api.md, "Sign-in links"). No bearer
 * token and no CSRF header: the link's token is the credential, and the browser says where the
 * POST comes from (docs/security.md, "Sign-in links").
 */
export const magicLinkRoutes = [
  { ...page, method: 'get' as const, operationId: 'magicLinkPage' },
  { ...page, method: 'head' as const, operationId: 'magicLinkPageHead', summary: 'The same, headers only' },
  {
    ...link,
    method: 'post' as const,
    operationId: 'magicLinkConfirm',
    summary: 'Sign this browser in with a sign-in link',
    description:
      'Consumes the link and its code (and every other pending code of the address) in one step, signs in as POST /v1/otp/verify does, sets the cookie-mode cookies (__Host-refresh, __Host-csrf) and answers 303 to MAGIC_LINK_REDIRECT_URL, or to / when unset. No body is read. A POST that the browser marks as coming from another site (Sec-Fetch-Site cross-site or same-site, or a foreign Origin) is refused with 403 and consumes nothing.',
    responses: {
      '303': { description: 'Signed in: the cookies are set, Location is where the app continues' },
      '403': html('The POST came from another site (not the link’s own page); nothing was consumed'),
      '410': gone,
      ...common,
    },
    handler: 'magicLinkConfirm' as const,
  },
] satisfies Array<RouteSpec<MagicLinkHandler>>;
