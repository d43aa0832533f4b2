import Joi from 'joi';
import { problem } from '../../platform/http/openapi';
import type { ResponseSpec, RouteSpec } from '../../platform/http/route-table';
import { cookieHeaders, otpAcceptedResponse, tokenAnswer } from './auth.responses';
import { authModeHeaders } from './auth.schemas';
import {
  recoveryCodesResponse,
  stepUpSchema,
  totpConfirmedResponse,
  totpConfirmSchema,
  totpEnrolmentResponse,
} from './mfa.schemas';

/** What the second-factor routes bind (mfa.controller.ts, and the login module's limiter and guard). */
export type MfaHandler =
  | 'enrolTotp'
  | 'confirmTotp'
  | 'stepUp'
  | 'stepUpEmail'
  | 'deleteTotp'
  | 'regenerateRecoveryCodes'
  | 'deleteOtherSessions'
  | 'verifyLimiter'
  | 'authenticate';

const json = (schema: Joi.Schema) => ({ 'application/json': schema });
const bearer = { scheme: 'bearerAuth', check: 'authenticate' } as const;
const common: Record<string, ResponseSpec> = {
  '400': problem('Invalid request (invalid_request, invalid_json)'),
  '401': problem('unauthorized, invalid_token, session_expired or token_expired'),
  '429': problem('Rate limited (rate_limited); see Retry-After'),
};
const stepUpRequired = problem(
  'step_up_required: a recent step-up is needed; `methods` lists what would do (docs/api.md, "Step-up")',
);

/** The TOTP factor, recovery codes and step-up (docs/api.md, "Second factor and step-up"). */
export function mfaRoutes(options: { codeLength: number }): Array<RouteSpec<MfaHandler>> {
  return [
    {
      method: 'post',
      path: '/v1/mfa/totp',
      operationId: 'enrolTotp',
      tags: ['mfa'],
      summary: 'Start TOTP enrolment: an unconfirmed factor, its secret and QR code',
      description:
        'The secret is shown here only. A new call replaces an unconfirmed factor; with an active one it is 409 conflict.',
      auth: bearer,
      responses: {
        '201': { description: 'Unconfirmed factor', content: json(totpEnrolmentResponse) },
        ...common,
        '409': problem('conflict: a TOTP factor is already active'),
      },
      handler: 'enrolTotp',
    },
    {
      method: 'post',
      path: '/v1/mfa/totp/confirm',
      operationId: 'confirmTotp',
      tags: ['mfa'],
      summary: 'Activate the factor with a first code: recovery codes and an AAL2 token pair',
      auth: bearer,
      limiter: 'verifyLimiter',
      request: { body: totpConfirmSchema, headers: authModeHeaders },
      responses: {
        '200': {
          description: 'Active; this session is AAL2',
          headers: cookieHeaders,
          content: json(totpConfirmedResponse),
        },
        ...common,
        '401': problem('invalid_code, or unauthorized, invalid_token, session_expired, token_expired'),
        '409': problem('conflict: the factor is already active'),
      },
      handler: 'confirmTotp',
    },
    {
      method: 'post',
      path: '/v1/auth/step-up',
      operationId: 'stepUp',
      tags: ['auth', 'mfa'],
      summary: 'Step up this session with a TOTP, recovery or email code: a new token pair',
      description:
        'totpCode or recoveryCode: AAL2. emailCode (users without TOTP, after POST /v1/auth/step-up/email): a fresh AAL1 step-up time. Wrong codes spend the hourly failure budget of the address.',
      auth: bearer,
      limiter: 'verifyLimiter',
      request: { body: stepUpSchema(options.codeLength), headers: authModeHeaders },
      responses: {
        '200': {
          description: 'New token pair for the same session (X-Auth-Mode: cookie sets the cookie pair)',
          headers: cookieHeaders,
          content: json(tokenAnswer),
        },
        ...common,
        '401': problem('invalid_code, or unauthorized, invalid_token, session_expired, token_expired'),
        '403': problem('step_up_required: an email code from a user with TOTP active'),
      },
      handler: 'stepUp',
    },
    {
      method: 'post',
      path: '/v1/auth/step-up/email',
      operationId: 'stepUpEmail',
      tags: ['auth', 'mfa'],
      summary: "Send a step-up code to the signed-in user's own address",
      auth: bearer,
      responses: {
        '202': { description: 'Accepted', content: json(otpAcceptedResponse) },
        '401': common['401'],
        '429': common['429'],
      },
      handler: 'stepUpEmail',
    },
    {
      method: 'delete',
      path: '/v1/mfa/totp',
      operationId: 'deleteTotp',
      tags: ['mfa'],
      summary: 'Remove the TOTP factor and its recovery codes (needs a recent step-up)',
      auth: bearer,
      responses: { '204': { description: 'Removed' }, '401': common['401'], '403': stepUpRequired },
      handler: 'deleteTotp',
    },
    {
      method: 'delete',
      path: '/v1/sessions',
      operationId: 'deleteOtherSessions',
      tags: ['account'],
      summary: 'Sign out everywhere else: revoke every other session of the user (needs a recent step-up)',
      auth: bearer,
      responses: { '204': { description: 'Revoked' }, '401': common['401'], '403': stepUpRequired },
      handler: 'deleteOtherSessions',
    },
    {
      method: 'post',
      path: '/v1/mfa/recovery-codes',
      operationId: 'regenerateRecoveryCodes',
      tags: ['mfa'],
      summary: 'Replace the recovery codes (needs a recent step-up)',
      auth: bearer,
      responses: {
        '200': {
          description: 'Ten new codes; the old ones no longer work',
          content: json(recoveryCodesResponse),
        },
        '401': common['401'],
        '403': stepUpRequired,
        '409': problem('conflict: no active TOTP factor'),
      },
      handler: 'regenerateRecoveryCodes',
    },
  ];
}
