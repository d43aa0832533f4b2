import { expectMatchesOpenApi, openApiRequestProblems } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Requests held to the OpenAPI document: for each main route, a request the document accepts
 * is served, and one it refuses is answered 400 invalid_request. The document is generated
 * from the same Joi schemas that validate, so the two cannot disagree unnoticed.
 */

const KEY = 'admin-key-request-schemas-0123456789';
const USER_ID = '00000000-0000-4000-8000-000000000000';

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** The document's path. */
  path: string;
  /** What is sent (the path with its parameters filled in). */
  url: string;
  body?: unknown;
  query?: Record<string, string>;
  params?: Record<string, string>;
  admin?: boolean;
  bearer?: boolean;
  valid: boolean;
}

let seq = 0;
const email = () => `request-schemas-${++seq}-${Date.now()}@example.com`;

type Extra = Partial<Pick<Case, 'query' | 'params' | 'admin' | 'bearer' | 'url'>>;
const post = (name: string, path: string, body: unknown, valid: boolean, extra: Extra = {}): Case => ({
  name,
  method: 'POST',
  path,
  url: path,
  body,
  valid,
  ...extra,
});
const get = (
  name: string,
  path: string,
  query: Record<string, string>,
  valid: boolean,
  extra: Extra = {},
): Case => ({
  name,
  method: 'GET',
  path,
  url: path,
  query,
  valid,
  ...extra,
});
const admin = { admin: true };
const messages = {
  ...admin,
  url: '/v1/admin/emails/someone%40example.com/messages',
  params: { email: 'someone@example.com' },
};
const revoke = { ...admin, url: `/v1/admin/users/${USER_ID}/revoke-sessions`, params: { id: USER_ID } };

const cases = (): Case[] => [
  post('a code request', '/v1/otp/request', { email: email(), locale: 'es-MX' }, true),
  post('a code request with a bad locale', '/v1/otp/request', { email: email(), locale: 'not a tag' }, false),
  post('a code request with an unknown field', '/v1/otp/request', { email: email(), admin: true }, false),
  post('a verify with a 6-digit code', '/v1/otp/verify', { email: email(), code: '123456' }, true),
  post('a verify with a 7-digit code', '/v1/otp/verify', { email: email(), code: '1234567' }, false),
  post('a refresh', '/v1/auth/refresh', { refreshToken: 'A'.repeat(43) }, true),
  post('a refresh with a token that is not one', '/v1/auth/refresh', { refreshToken: 'not/a+token' }, false),
  get('a sessions page', '/v1/sessions', { limit: '5' }, true, { bearer: true }),
  get('a sessions page of 101', '/v1/sessions', { limit: '101' }, false, { bearer: true }),
  get('an admin users page', '/v1/admin/users', { limit: '3' }, true, admin),
  get('an admin users page with an unknown parameter', '/v1/admin/users', { api_key: 'x' }, false, admin),
  post(
    'an IP rule',
    '/v1/admin/ip-rules',
    { cidr: '198.51.100.0/24', action: 'deny', note: 'n' },
    true,
    admin,
  ),
  post(
    'an IP rule with a control character',
    '/v1/admin/ip-rules',
    { cidr: '198.51.100.0/24', action: 'deny', note: 'a\u0007' },
    false,
    admin,
  ),
  post(
    'an IP rule with another action',
    '/v1/admin/ip-rules',
    { cidr: '198.51.100.0/24', action: 'block' },
    false,
    admin,
  ),
  post('a suppression', '/v1/admin/suppressions', { email: email() }, true, admin),
  post('a suppression without an email', '/v1/admin/suppressions', {}, false, admin),
  get('a suppressions page', '/v1/admin/suppressions', { limit: '2' }, true, admin),
  get('a suppressions page with a foreign cursor', '/v1/admin/suppressions', { cursor: 'a.b' }, false, admin),
  get("an address's messages", '/v1/admin/emails/{email}/messages', { limit: '1' }, true, messages),
  get(
    "an address's messages, 0 of them",
    '/v1/admin/emails/{email}/messages',
    { limit: '0' },
    false,
    messages,
  ),
  post('a revoke with an empty body', '/v1/admin/users/{id}/revoke-sessions', {}, true, revoke),
  post('a revoke with a field', '/v1/admin/users/{id}/revoke-sessions', { all: true }, false, revoke),
];

describe('requests against the OpenAPI document', () => {
  let t: TestApp;
  let accessToken: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: KEY } });
    accessToken = (await t.signIn(email())).accessToken;
  });
  afterAll(async () => t.close());

  it.each(cases())('when $name is sent (document says valid: $valid), then the app agrees', async (c) => {
    const problems = openApiRequestProblems(c.method, c.path, c);
    expect({ problems: problems.length > 0 }).toEqual({ problems: !c.valid });

    let req = t.http[c.method === 'DELETE' ? 'delete' : c.method === 'GET' ? 'get' : 'post'](c.url);
    if (c.query) req = req.query(c.query);
    if (c.admin) req = req.set('X-API-Key', KEY);
    if (c.bearer) req = req.set('Authorization', `Bearer ${accessToken}`);
    const res = c.body === undefined ? await req : await req.send(c.body as object);

    if (c.valid) expect(res.status).not.toBe(400);
    else
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'invalid_request' });
    expectMatchesOpenApi(res, c.method, c.path);
  });
});
