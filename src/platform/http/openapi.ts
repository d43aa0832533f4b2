import { ERROR_CODES } from '../errors/error-codes';
import { buildOpenApi, type DocumentBase } from './openapi-builder';
import type { ResponseSpec, RouteTable } from './route-table';

/** An error answer: RFC 9457 problem details. */
export const problem = (description: string): ResponseSpec => ({
  description,
  content: { 'application/problem+json': 'Problem' },
});

/** What Joi cannot say: the document's head, the security schemes and the problem+json body. */
const base: DocumentBase = {
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
  securitySchemes: {
    bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    metricsToken: { type: 'http', scheme: 'bearer' },
    adminApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    refreshCookie: {
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-refresh',
      description: 'Cookie mode: the refresh token, set by a sign-in with X-Auth-Mode: cookie (HttpOnly)',
    },
    csrfToken: {
      type: 'apiKey',
      in: 'header',
      name: 'X-CSRF-Token',
      description:
        'Cookie mode: equal to the __Host-csrf cookie (and the csrfToken of the last answer), from an allowed Origin',
    },
  },
  schemas: {
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
        methods: {
          type: 'array',
          description: 'step_up_required: the step-up methods that would do',
          items: { enum: ['totp', 'recovery', 'email'] },
        },
      },
    },
  },
};

/**
 * The OpenAPI 3.1 document of the given route tables (each module's, and the meta routes'),
 * their request and response schemas converted from Joi; component tests hold each request
 * and response to it.
 */
export function buildOpenApiDocument(tables: RouteTable[]) {
  return buildOpenApi(base, tables);
}
