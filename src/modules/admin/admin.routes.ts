import Joi from 'joi';
import { problem } from '../../platform/http/openapi';
import type { ResponseSpec, RouteSpec, RouteTable } from '../../platform/http/route-table';
import {
  adminStatsResponse,
  auditPageResponse,
  adminUserDetailResponse,
  deliveryReportResponse,
  ipRuleListResponse,
  ipRuleResponse,
  revokedSessionsResponse,
  suppressionPageResponse,
  suppressionResponse,
  userPageResponse,
} from './admin.responses';
import {
  adminEmail,
  auditQuery,
  emptyBody,
  ipRuleBody,
  limitQuery,
  listUsersQuery,
  pageQuery,
  suppressionBody,
} from './admin.schemas';
import type { createAdminController } from './admin.controller';

export type AdminHandler = keyof ReturnType<typeof createAdminController> | 'adminAuth';

const json = (schema: Joi.Schema) => ({ 'application/json': schema });
const ok = (description: string, schema: Joi.Schema): ResponseSpec => ({
  description,
  content: json(schema),
});
const errors = {
  '401': problem('Missing, wrong or wrong-length X-API-Key (unauthorized): one identical answer'),
  '403': problem(
    'Admin API disabled (no ADMIN_API_KEYS), the client address is refused, or the key lacks the scope or is used outside its networks (forbidden)',
  ),
  '429': problem('Rate limited (rate_limited)'),
  '503': problem('A dependency is unavailable (service_unavailable)'),
};
const bodyErrors = {
  '400': problem('Invalid body, including unknown fields (invalid_request, invalid_json)'),
  '413': problem('Body too large (payload_too_large)'),
  '415': problem('Body is not application/json (unsupported_media_type)'),
};
const notFound = { '404': problem('Unknown (or malformed) id (not_found)') };
/** A malformed id answers 404 like an unknown one (admin.controller.ts), so it is not refused here. */
const idParam = Joi.object({ id: Joi.string().meta({ format: 'uuid' }) });
const emailParam = Joi.object({ email: adminEmail.required().description('URL-encoded; canonicalised') });

type Op = Omit<RouteSpec<AdminHandler>, 'method' | 'path' | 'tags' | 'auth' | 'operationId' | 'summary'>;
const op = (
  method: RouteSpec['method'],
  path: string,
  operationId: string,
  summary: string,
  rest: Op,
): RouteSpec<AdminHandler> => ({
  method,
  path: `/v1/admin${path}`,
  operationId,
  summary,
  tags: ['admin'],
  // The table's guard checks the key, before every route and every unknown path beneath it.
  auth: { scheme: 'adminApiKey' },
  ...rest,
});

/** /v1/admin: one router behind the X-API-Key check, so nothing of it shows without a key. */
export const adminRouteTable: RouteTable<AdminHandler> = {
  mount: '/v1/admin',
  guard: 'adminAuth',
  notFound: true,
  routes: [
    op('get', '/users', 'adminListUsers', 'Users, oldest first, cursor-paginated; or one by exact email', {
      request: { query: listUsersQuery },
      responses: { '200': ok('A page of users', userPageResponse), '400': bodyErrors['400'], ...errors },
      handler: 'listUsers',
    }),
    op('get', '/users/:id', 'adminGetUser', 'A user, their active session count and second factor', {
      description:
        "The second factor's state (pending or active, its times) and the number of unused recovery codes; never the secret or a hash.",
      request: { params: idParam },
      responses: { '200': ok('The user', adminUserDetailResponse), ...notFound, ...errors },
      handler: 'getUser',
    }),
    op('delete', '/users/:id', 'adminDeleteUser', 'Delete a user with their sessions', {
      request: { params: idParam },
      responses: { '204': { description: 'Deleted' }, ...notFound, ...errors },
      handler: 'deleteUser',
    }),
    op(
      'delete',
      '/users/:id/factors',
      'adminResetFactors',
      "Remove a user's TOTP factor and recovery codes",
      {
        description:
          'For a user who lost their authenticator: they can enrol again, and step-up falls back to an email code until they do. Sessions are left as they are. Needs the write scope; recorded in the audit log.',
        request: { params: idParam },
        responses: { '204': { description: 'Removed (or there was none)' }, ...notFound, ...errors },
        handler: 'resetFactors',
      },
    ),
    op(
      'post',
      '/users/:id/revoke-sessions',
      'adminRevokeSessions',
      "Revoke every one of a user's sessions, effective at once",
      {
        request: { params: idParam, body: emptyBody, bodyOptional: true },
        responses: { '200': ok('Revoked', revokedSessionsResponse), ...bodyErrors, ...notFound, ...errors },
        handler: 'revokeSessions',
      },
    ),
    op('get', '/stats', 'adminStats', 'Usage: totals from the database, counters of this instance', {
      responses: { '200': ok('Figures', adminStatsResponse), ...errors },
      handler: 'stats',
    }),
    op('get', '/ip-rules', 'adminListIpRules', 'IP rules: stored ones and those from configuration', {
      responses: { '200': ok('Rules', ipRuleListResponse), ...errors },
      handler: 'listIpRules',
    }),
    op('post', '/ip-rules', 'adminCreateIpRule', 'Add an allow or deny rule, applied at once', {
      description:
        'Deny wins over allow; any allow rule turns on allowlist mode. A rule that would refuse the address of the request itself is refused (400). The same cidr and action again returns the stored rule (200).',
      request: { body: ipRuleBody },
      responses: {
        '201': ok('Created', ipRuleResponse),
        '200': ok('Already there', ipRuleResponse),
        ...bodyErrors,
        ...errors,
      },
      handler: 'createIpRule',
    }),
    op('delete', '/ip-rules/:id', 'adminDeleteIpRule', 'Remove an IP rule, applied at once', {
      request: { params: idParam },
      responses: { '204': { description: 'Removed' }, ...notFound, ...errors },
      handler: 'deleteIpRule',
    }),
    op('get', '/suppressions', 'adminListSuppressions', 'Suppressed addresses, newest first', {
      request: { query: pageQuery },
      responses: { '200': ok('A page', suppressionPageResponse), '400': bodyErrors['400'], ...errors },
      handler: 'listSuppressions',
    }),
    op('post', '/suppressions', 'adminAddSuppression', 'Suppress an address by hand (reason manual)', {
      request: { body: suppressionBody },
      responses: {
        '201': ok('Suppressed', suppressionResponse),
        '200': ok('Already suppressed (kept as it was)', suppressionResponse),
        ...bodyErrors,
        ...errors,
      },
      handler: 'addSuppression',
    }),
    op('delete', '/suppressions/:email', 'adminRemoveSuppression', 'Let an address receive email again', {
      request: { params: emailParam },
      responses: {
        '204': { description: 'Removed' },
        '400': problem('Not an email address'),
        '404': problem('Not suppressed'),
        ...errors,
      },
      handler: 'removeSuppression',
    }),
    op('get', '/audit', 'adminListAudit', 'The audit log of admin actions, newest first', {
      description:
        'Every mutating admin action and every refused admin request, with the key id (never the key) and the outcome; emails appear only as their hash.',
      request: { query: auditQuery },
      responses: { '200': ok('A page of entries', auditPageResponse), '400': bodyErrors['400'], ...errors },
      handler: 'listAudit',
    }),
    op(
      'get',
      '/emails/:email/messages',
      'adminEmailMessages',
      "An address's recent emails with their delivery events",
      {
        request: { params: emailParam, query: limitQuery },
        responses: {
          '200': ok('Delivery report', deliveryReportResponse),
          '400': bodyErrors['400'],
          ...errors,
        },
        handler: 'emailMessages',
      },
    ),
  ],
};
