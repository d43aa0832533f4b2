import { ERROR_CODES } from '../errors/error-codes';
import { adminPaths, adminSchemas } from '../../modules/admin/admin.openapi';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const dateTime = { type: 'string', format: 'date-time' };
const bearer = [{ bearerAuth: [] }];

const common = {
  '400': problem('Invalid request (invalid_request, invalid_json)'),
  '413': problem('Body too large (payload_too_large)'),
  '415': problem('Body is not application/json (unsupported_media_type)'),
  '403': problem('The client address is refused by an IP rule (forbidden)'),
  '429': problem('Rate limited (rate_limited); see Retry-After'),
  '503': problem('A dependency is unavailable (service_unavailable)'),
};
const authErrors = { '401': problem('Missing, invalid or expired token, or revoked session') };

/** A provider webhook: signed raw body in, 204 out; 401 changes nothing, so the provider may retry. */
const webhook = (operationId: string, summary: string, description: string, body: object) => ({
  post: {
    operationId,
    tags: ['webhooks'],
    summary,
    description,
    requestBody: { required: true, content: body },
    responses: {
      '204': { description: 'Verified and applied (a duplicate event is applied once)' },
      '400': problem('Signed but unusable (invalid_request), e.g. not an array of events'),
      '401': problem('Missing, invalid, stale or replayed signature (unauthorized); nothing changed'),
      '404': problem('This provider webhook is not configured (not_found)'),
      '413': problem('Body over 1 MB (payload_too_large)'),
      '429': common['429'],
      '503': problem('Storage unavailable (service_unavailable): the provider retries'),
    },
  },
});

const otpRequest = {
  summary: 'Send a sign-in code to an email address',
  description:
    'Always answers 202 with the same body for any syntactically valid address, known or not. Only the per-email resend cooldown is told (429 + Retry-After).',
  tags: ['otp'],
  requestBody: { required: true, content: json(ref('OtpRequest')) },
  responses: { '202': { description: 'Accepted', content: json(ref('OtpAccepted')) }, ...common },
};
const otpVerify = {
  summary: 'Exchange a code for tokens',
  description:
    'Wrong, expired, used and locked codes all answer 401 invalid_code. The first success creates the user.',
  tags: ['otp'],
  requestBody: { required: true, content: json(ref('OtpVerify')) },
  responses: {
    '200': { description: 'Signed in', content: json(ref('TokenResponse')) },
    '401': problem('invalid_code'),
    ...common,
  },
};

/** The OpenAPI 3.1 document of every route; component tests hold each response to it. */
export function buildOpenApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'otp-login-api',
      version: '1.0.0',
      description:
        'Email one-time-code login: request a code, verify it, get an EdDSA access token and a rotating refresh token.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'otp' },
      { name: 'auth' },
      { name: 'account' },
      { name: 'meta' },
      { name: 'admin' },
      { name: 'webhooks' },
    ],
    paths: {
      '/v1/otp/request': { post: { ...otpRequest, operationId: 'requestOtp' } },
      '/v1/otp/verify': { post: { ...otpVerify, operationId: 'verifyOtp' } },
      '/otp/request': {
        post: {
          ...otpRequest,
          operationId: 'requestOtpUnversioned',
          description: 'Alias of /v1/otp/request.',
        },
      },
      '/otp/verify': {
        post: { ...otpVerify, operationId: 'verifyOtpUnversioned', description: 'Alias of /v1/otp/verify.' },
      },
      '/v1/auth/refresh': {
        post: {
          operationId: 'refresh',
          tags: ['auth'],
          summary: 'Rotate a refresh token',
          description:
            'Each refresh token is single use. Presenting a rotated token within the grace window returns the same successor; later, the session is revoked (refresh_token_reused).',
          requestBody: { required: true, content: json(ref('RefreshRequest')) },
          responses: {
            '200': { description: 'New token pair', content: json(ref('TokenResponse')) },
            '401': problem('invalid_token, refresh_token_reused or session_expired'),
            ...common,
          },
        },
      },
      '/v1/auth/logout': {
        post: {
          operationId: 'logout',
          tags: ['auth'],
          summary: 'Revoke the current session',
          security: bearer,
          responses: { '204': { description: 'Revoked' }, ...authErrors, '429': common['429'] },
        },
      },
      '/v1/users/me': {
        get: {
          operationId: 'me',
          tags: ['account'],
          summary: 'The signed-in user',
          security: bearer,
          responses: {
            '200': { description: 'User', content: json(ref('User')) },
            ...authErrors,
            '429': common['429'],
          },
        },
      },
      '/v1/sessions': {
        get: {
          operationId: 'listSessions',
          tags: ['account'],
          summary: "The user's active sessions, newest first",
          security: bearer,
          parameters: [
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'A page of sessions', content: json(ref('SessionPage')) },
            '400': common['400'],
            ...authErrors,
          },
        },
      },
      '/v1/sessions/{id}': {
        delete: {
          operationId: 'deleteSession',
          tags: ['account'],
          summary: 'Revoke one of your sessions',
          security: bearer,
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
          responses: { '204': { description: 'Revoked' }, ...authErrors, '404': problem('not_found') },
        },
      },
      '/.well-known/jwks.json': {
        get: {
          operationId: 'jwks',
          tags: ['meta'],
          summary: 'Public keys that verify access tokens',
          responses: { '200': { description: 'JWK set', content: json(ref('Jwks')) } },
        },
      },
      '/health/live': {
        get: {
          operationId: 'live',
          tags: ['meta'],
          summary: 'Liveness',
          responses: { '200': { description: 'Alive', content: json(ref('Health')) } },
        },
      },
      '/health/ready': {
        get: {
          operationId: 'ready',
          tags: ['meta'],
          summary: 'Readiness: 503 names the failing dependency',
          responses: {
            '200': { description: 'Ready', content: json(ref('Health')) },
            '503': problem('not ready'),
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          tags: ['meta'],
          summary: 'Prometheus metrics (Bearer METRICS_TOKEN when set)',
          security: [{ metricsToken: [] }],
          responses: {
            '200': {
              description: 'Prometheus text format',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            '401': problem('unauthorized'),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'openapi',
          tags: ['meta'],
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
        },
      },
      '/v1/webhooks/sendgrid': webhook(
        'sendgridEvents',
        'SendGrid signed Event Webhook',
        'ECDSA signature over X-Twilio-Email-Event-Webhook-Timestamp + raw body (headers X-Twilio-Email-Event-Webhook-Signature/-Timestamp), timestamp within 300 s. Each sg_event_id applies once; bounce, dropped and spamreport suppress the address. Needs SENDGRID_WEBHOOK_PUBLIC_KEY.',
        json({ type: 'array', items: { type: 'object', required: ['sg_event_id', 'event'] } }),
      ),
      '/v1/webhooks/mailgun': webhook(
        'mailgunEvents',
        'Mailgun webhook',
        'signature.signature = HMAC-SHA256(signing key, timestamp + token), timestamp within 300 s, each token once. Permanent failures and complaints suppress the address. Needs MAILGUN_WEBHOOK_SIGNING_KEY.',
        json({ type: 'object', required: ['signature', 'event-data'] }),
      ),
      '/v1/webhooks/ses': webhook(
        'sesNotifications',
        'SES notifications through an SNS HTTPS subscription',
        'SNS message from SES_SNS_TOPIC_ARN, signature verified with the certificate at SigningCertURL (only sns.<region>.amazonaws.com), at most 1 h old. SubscriptionConfirmation is logged for an operator, not followed. Permanent bounces and complaints suppress the address.',
        {
          'text/plain': { schema: { type: 'string', description: 'The SNS message as JSON text' } },
          'application/json': { schema: { type: 'object', required: ['Type', 'MessageId', 'Signature'] } },
        },
      ),
      ...adminPaths,
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        metricsToken: { type: 'http', scheme: 'bearer' },
        adminApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: {
        ...adminSchemas,
        OtpRequest: {
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: {
            email: { type: 'string', format: 'email', maxLength: 254 },
            locale: { type: 'string', maxLength: 35, examples: ['en', 'es-MX'] },
          },
        },
        OtpAccepted: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'message'],
          properties: { status: { const: 'accepted' }, message: { type: 'string' } },
        },
        OtpVerify: {
          type: 'object',
          additionalProperties: false,
          required: ['email', 'code'],
          properties: {
            email: { type: 'string', format: 'email' },
            code: { type: 'string', pattern: '^\\d{6,10}$' },
          },
        },
        RefreshRequest: {
          type: 'object',
          additionalProperties: false,
          required: ['refreshToken'],
          properties: { refreshToken: { type: 'string', maxLength: 128 } },
        },
        User: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'email', 'createdAt', 'lastLoginAt'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            email: { type: 'string' },
            createdAt: dateTime,
            lastLoginAt: { anyOf: [dateTime, { type: 'null' }] },
          },
        },
        Session: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'createdAt', 'lastUsedAt', 'expiresAt', 'absoluteExpiresAt', 'ip', 'userAgent'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            createdAt: dateTime,
            lastUsedAt: dateTime,
            expiresAt: dateTime,
            absoluteExpiresAt: dateTime,
            ip: { type: ['string', 'null'] },
            userAgent: { type: ['string', 'null'] },
            current: { type: 'boolean' },
          },
        },
        SessionPage: {
          type: 'object',
          additionalProperties: false,
          required: ['data', 'nextCursor'],
          properties: {
            data: { type: 'array', items: ref('Session') },
            nextCursor: { type: ['string', 'null'] },
          },
        },
        TokenResponse: {
          type: 'object',
          additionalProperties: false,
          required: ['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'user', 'session'],
          properties: {
            accessToken: { type: 'string' },
            tokenType: { const: 'Bearer' },
            expiresIn: { type: 'integer' },
            refreshToken: { type: 'string', minLength: 43 },
            user: ref('User'),
            session: ref('Session'),
          },
        },
        Jwks: {
          type: 'object',
          required: ['keys'],
          properties: {
            keys: {
              type: 'array',
              items: {
                type: 'object',
                required: ['kty', 'crv', 'x', 'kid', 'alg'],
                properties: {
                  kty: { const: 'OKP' },
                  crv: { const: 'Ed25519' },
                  x: { type: 'string' },
                  kid: { type: 'string' },
                  alg: { const: 'EdDSA' },
                  use: { const: 'sig' },
                },
              },
            },
          },
        },
        Health: {
          type: 'object',
          required: ['status'],
          properties: {
            status: { enum: ['ok', 'degraded'] },
            checks: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status', 'code', 'requestId'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { enum: ERROR_CODES },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'message'],
                properties: { field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
