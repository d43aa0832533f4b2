/** The /v1/admin part of the OpenAPI document (spliced into openapi.ts). */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const ok = (description: string, schema: string) => ({ description, content: json(ref(schema)) });
const dateTime = { type: 'string', format: 'date-time' };
const counts = { type: 'object', additionalProperties: { type: 'number' } };

const security = [{ adminApiKey: [] }];
const errors = {
  '401': problem('Missing, wrong or wrong-length X-API-Key (unauthorized): one identical answer'),
  '403': problem('Admin API disabled (no ADMIN_API_KEYS), or the client address is refused (forbidden)'),
  '429': problem('Rate limited (rate_limited)'),
  '503': problem('A dependency is unavailable (service_unavailable)'),
};
const bodyErrors = {
  '400': problem('Invalid body, including unknown fields (invalid_request, invalid_json)'),
  '413': problem('Body too large (payload_too_large)'),
  '415': problem('Body is not application/json (unsupported_media_type)'),
};
const notFound = { '404': problem('Unknown (or malformed) id (not_found)') };

const param = (name: string, inPlace: 'path' | 'query', schema: object, description?: string) => ({
  name,
  in: inPlace,
  required: inPlace === 'path',
  schema,
  ...(description ? { description } : {}),
});
const id = param('id', 'path', { type: 'string', format: 'uuid' });
const email = param('email', 'path', { type: 'string', maxLength: 254 }, 'URL-encoded; canonicalised');
const limit = param('limit', 'query', { type: 'integer', minimum: 1, maximum: 100, default: 20 });
const cursor = param(
  'cursor',
  'query',
  { type: 'string', maxLength: 200 },
  'nextCursor of the previous page',
);

const op = <T extends object>(operationId: string, summary: string, rest: T) => ({
  operationId,
  summary,
  tags: ['admin'],
  security,
  ...rest,
});

export const adminPaths = {
  '/v1/admin/users': {
    get: op('adminListUsers', 'Users, oldest first, cursor-paginated; or one by exact email', {
      parameters: [limit, cursor, param('email', 'query', { type: 'string', maxLength: 254 }, 'Exact match')],
      responses: { '200': ok('A page of users', 'UserPage'), '400': bodyErrors['400'], ...errors },
    }),
  },
  '/v1/admin/users/{id}': {
    get: op('adminGetUser', 'A user and their active session count', {
      parameters: [id],
      responses: { '200': ok('The user', 'AdminUserDetail'), ...notFound, ...errors },
    }),
    delete: op('adminDeleteUser', 'Delete a user with their sessions', {
      parameters: [id],
      responses: { '204': { description: 'Deleted' }, ...notFound, ...errors },
    }),
  },
  '/v1/admin/users/{id}/revoke-sessions': {
    post: op('adminRevokeSessions', "Revoke every one of a user's sessions, effective at once", {
      parameters: [id],
      requestBody: { required: false, content: json({ type: 'object', additionalProperties: false }) },
      responses: {
        '200': ok('Revoked', 'RevokedSessions'),
        ...bodyErrors,
        ...notFound,
        ...errors,
      },
    }),
  },
  '/v1/admin/stats': {
    get: op('adminStats', 'Usage: totals from the database, counters of this instance', {
      responses: { '200': ok('Figures', 'AdminStats'), ...errors },
    }),
  },
  '/v1/admin/ip-rules': {
    get: op('adminListIpRules', 'IP rules: stored ones and those from configuration', {
      responses: { '200': ok('Rules', 'IpRuleList'), ...errors },
    }),
    post: op('adminCreateIpRule', 'Add an allow or deny rule, applied at once', {
      description:
        'Deny wins over allow; any allow rule turns on allowlist mode. A rule that would refuse the address of the request itself is refused (400). The same cidr and action again returns the stored rule (200).',
      requestBody: { required: true, content: json(ref('IpRuleInput')) },
      responses: {
        '201': ok('Created', 'IpRule'),
        '200': ok('Already there', 'IpRule'),
        ...bodyErrors,
        ...errors,
      },
    }),
  },
  '/v1/admin/ip-rules/{id}': {
    delete: op('adminDeleteIpRule', 'Remove an IP rule, applied at once', {
      parameters: [id],
      responses: { '204': { description: 'Removed' }, ...notFound, ...errors },
    }),
  },
  '/v1/admin/suppressions': {
    get: op('adminListSuppressions', 'Suppressed addresses, newest first', {
      parameters: [limit, cursor],
      responses: { '200': ok('A page', 'SuppressionPage'), '400': bodyErrors['400'], ...errors },
    }),
    post: op('adminAddSuppression', 'Suppress an address by hand (reason manual)', {
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: { email: { type: 'string', maxLength: 254 } },
        }),
      },
      responses: {
        '201': ok('Suppressed', 'Suppression'),
        '200': ok('Already suppressed (kept as it was)', 'Suppression'),
        ...bodyErrors,
        ...errors,
      },
    }),
  },
  '/v1/admin/suppressions/{email}': {
    delete: op('adminRemoveSuppression', 'Let an address receive email again', {
      parameters: [email],
      responses: {
        '204': { description: 'Removed' },
        '400': problem('Not an email address'),
        '404': problem('Not suppressed'),
        ...errors,
      },
    }),
  },
  '/v1/admin/emails/{email}/messages': {
    get: op('adminEmailMessages', "An address's recent emails with their delivery events", {
      parameters: [email, limit],
      responses: { '200': ok('Delivery report', 'DeliveryReport'), '400': bodyErrors['400'], ...errors },
    }),
  },
};

const suppression = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'reason', 'source', 'createdAt'],
  properties: {
    email: { type: 'string' },
    reason: { enum: ['bounce', 'dropped', 'spamreport', 'complaint', 'manual'] },
    source: { type: 'string' },
    createdAt: dateTime,
  },
};

export const adminSchemas = {
  UserPage: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'nextCursor'],
    properties: { data: { type: 'array', items: ref('User') }, nextCursor: { type: ['string', 'null'] } },
  },
  AdminUserDetail: {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'activeSessions'],
    properties: { user: ref('User'), activeSessions: { type: 'integer', minimum: 0 } },
  },
  RevokedSessions: {
    type: 'object',
    additionalProperties: false,
    required: ['revokedSessions'],
    properties: { revokedSessions: { type: 'integer', minimum: 0 } },
  },
  AdminStats: {
    type: 'object',
    additionalProperties: false,
    required: ['users', 'activeSessions', 'usage'],
    properties: {
      users: { type: 'integer' },
      activeSessions: { type: 'integer' },
      usage: {
        type: 'object',
        additionalProperties: false,
        required: ['since', 'otpRequests', 'verifications', 'sessionsCreated', 'refreshes', 'emails'],
        properties: {
          since: dateTime,
          otpRequests: {
            type: 'object',
            required: ['total', 'byOutcome'],
            properties: { total: { type: 'number' }, byOutcome: counts },
          },
          verifications: {
            type: 'object',
            required: ['success', 'failure', 'byResult'],
            properties: { success: { type: 'number' }, failure: { type: 'number' }, byResult: counts },
          },
          sessionsCreated: { type: 'number' },
          refreshes: counts,
          emails: counts,
        },
      },
    },
  },
  IpRuleInput: {
    type: 'object',
    additionalProperties: false,
    required: ['cidr', 'action'],
    properties: {
      cidr: { type: 'string', maxLength: 64, examples: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'] },
      action: { enum: ['allow', 'deny'] },
      note: { type: 'string', maxLength: 200 },
    },
  },
  IpRule: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'cidr', 'action', 'note', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      cidr: { type: 'string' },
      action: { enum: ['allow', 'deny'] },
      note: { type: ['string', 'null'] },
      createdAt: dateTime,
    },
  },
  IpRuleList: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'config'],
    properties: {
      data: { type: 'array', items: ref('IpRule') },
      config: {
        type: 'object',
        additionalProperties: false,
        required: ['deny', 'allow'],
        properties: {
          deny: { type: 'array', items: { type: 'string' } },
          allow: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  Suppression: suppression,
  SuppressionPage: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'nextCursor'],
    properties: { data: { type: 'array', items: suppression }, nextCursor: { type: ['string', 'null'] } },
  },
  DeliveryReport: {
    type: 'object',
    additionalProperties: false,
    required: ['email', 'suppression', 'messages'],
    properties: {
      email: { type: 'string' },
      suppression: { anyOf: [suppression, { type: 'null' }] },
      messages: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'provider', 'providerMessageId', 'status', 'createdAt', 'updatedAt', 'events'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            provider: { type: 'string' },
            providerMessageId: { type: ['string', 'null'] },
            status: { type: 'string' },
            createdAt: dateTime,
            updatedAt: dateTime,
            events: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['provider', 'type', 'occurredAt'],
                properties: { provider: { type: 'string' }, type: { type: 'string' }, occurredAt: dateTime },
              },
            },
          },
        },
      },
    },
  },
};
