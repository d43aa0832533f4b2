import Joi from 'joi';
import { problem } from '../../platform/http/openapi';
import type { ResponseSpec, RouteSpec } from '../../platform/http/route-table';
import { otpAcceptedResponse, userResponse } from './auth.responses';
import { emailChangeConfirmSchema, emailChangeSchema } from './auth.schemas';

/** What the account self-service routes bind (account.controller.ts, and the login module's guards). */
export type AccountHandler =
  'deleteMe' | 'requestEmailChange' | 'confirmEmailChange' | 'verifyLimiter' | 'authenticate';

const json = (schema: Joi.Schema) => ({ 'application/json': schema });
const bearer = { scheme: 'bearerAuth', check: 'authenticate' } as const;
const common: Record<string, ResponseSpec> = {
  '400': problem('Invalid request (invalid_request, invalid_json)'),
  '401': problem('unauthorized, invalid_token, session_expired or token_expired'),
  '403': problem(
    'step_up_required: a recent step-up is needed; `methods` lists what would do (docs/api.md, "Step-up")',
  ),
  '429': problem('Rate limited (rate_limited); see Retry-After'),
};

/** Erasure and a change of address, each behind a recent step-up (docs/api.md, "Account self-service"). */
export function accountRoutes(options: { codeLength: number }): Array<RouteSpec<AccountHandler>> {
  return [
    {
      method: 'delete',
      path: '/v1/users/me',
      operationId: 'deleteMe',
      tags: ['account'],
      summary:
        'Erase my account: user, sessions, factors, codes and delivery history (needs a recent step-up)',
      auth: bearer,
      responses: { '204': { description: 'Erased' }, '401': common['401'], '403': common['403'] },
      handler: 'deleteMe',
    },
    {
      method: 'post',
      path: '/v1/users/me/email',
      operationId: 'requestEmailChange',
      tags: ['account'],
      summary: 'Start moving the account to a new address: a code is sent there (needs a recent step-up)',
      description:
        'Answers 202 whether or not the address belongs to another account: that is told only after its code is proven.',
      auth: bearer,
      request: { body: emailChangeSchema },
      responses: { '202': { description: 'Accepted', content: json(otpAcceptedResponse) }, ...common },
      handler: 'requestEmailChange',
    },
    {
      method: 'post',
      path: '/v1/users/me/email/verify',
      operationId: 'confirmEmailChange',
      tags: ['account'],
      summary: 'Prove the new address with its code: the account moves there and the old address is told',
      description:
        'Wrong codes spend the new address’s hourly failure budget, as at sign-in. Sessions stay signed in.',
      auth: bearer,
      limiter: 'verifyLimiter',
      request: { body: emailChangeConfirmSchema(options.codeLength) },
      responses: {
        '200': { description: 'The user with the new address', content: json(userResponse) },
        ...common,
        '401': problem('invalid_code, or unauthorized, invalid_token, session_expired, token_expired'),
        '409': problem('conflict: the address belongs to another account'),
      },
      handler: 'confirmEmailChange',
    },
  ];
}
