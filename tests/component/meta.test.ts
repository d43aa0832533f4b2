import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Health, JWKS, OpenAPI and Swagger UI: the routes every operator and resource server relies on. */

const ADMIN_KEY = 'meta-test-admin-key-0123456789';

describe('meta routes (PGlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN_KEY } });
  });
  afterAll(async () => t.close());

  it('when liveness is probed, then 200', async () => {
    const res = await t.http.get('/health/live');

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/health/live');
  });

  it('when readiness is probed with the database up, then 200 with database ok', async () => {
    const res = await t.http.get('/health/ready');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
    expectMatchesOpenApi(res, 'GET', '/health/ready');
  });

  it('when the JWKS is fetched, then it lists Ed25519 keys that verify our access tokens offline', async () => {
    const signedIn = await t.signIn('jwks@example.com');

    const res = await t.http.get('/.well-known/jwks.json');

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/.well-known/jwks.json');
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key.kid).toEqual(expect.any(String));
      expect(key).not.toHaveProperty('d');
    }
    const { payload, protectedHeader } = await jwtVerify(
      signedIn.accessToken,
      createLocalJWKSet(res.body as JSONWebKeySet),
      {
        issuer: 'otp-login-api',
        audience: 'otp-login-api',
        typ: 'at+jwt',
        algorithms: ['EdDSA'],
        currentDate: t.clock.now(),
      },
    );
    expect(payload.sub).toBe(signedIn.user.id);
    expect(res.body.keys.map((k: { kid: string }) => k.kid)).toContain(protectedHeader.kid);
  });

  it("when the OpenAPI document is fetched, then it is 3.1 and documents every route PRODUCT.md's table serves", async () => {
    const res = await t.http.get('/v1/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, unknown>>;

    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    const core: Array<[string, string]> = [
      ['post', '/v1/otp/request'],
      ['post', '/v1/otp/verify'],
      ['post', '/otp/request'],
      ['post', '/otp/verify'],
      ['post', '/v1/auth/refresh'],
      ['post', '/v1/auth/logout'],
      ['get', '/v1/users/me'],
      ['get', '/v1/sessions'],
      ['delete', '/v1/sessions/{id}'],
      ['get', '/.well-known/jwks.json'],
      ['get', '/health/live'],
      ['get', '/health/ready'],
      ['get', '/metrics'],
      ['get', '/v1/openapi.json'],
    ];
    for (const [method, path] of core) expect(paths[path]?.[method]).toBeDefined();
    // The admin API (PRODUCT.md names its features, not its paths) must be documented when served.
    const admin = await t.http.get('/v1/admin/users').set('X-API-Key', ADMIN_KEY);
    if (admin.status !== 404) {
      const adminPaths = Object.keys(paths).filter((p) => p.startsWith('/v1/admin/'));
      for (const feature of [
        /\/users$/,
        /\/users\/\{[^}]+\}$/,
        /revoke/,
        /ip-rules/,
        /suppressions/,
        /stats/,
      ]) {
        expect({ feature: String(feature), documented: adminPaths.some((p) => feature.test(p)) }).toEqual({
          feature: String(feature),
          documented: true,
        });
      }
      expect(paths['/v1/admin/users/{id}']?.delete).toBeDefined();
    }
    const webhook = await t.http.put('/v1/webhooks/sendgrid');
    if (webhook.status === 405) expect(paths['/v1/webhooks/sendgrid']?.post).toBeDefined();
  });

  it('when a documented path is called with PUT, then 405 lists exactly the documented verbs (the document invents nothing)', async () => {
    const doc = (await t.http.get('/v1/openapi.json')).body as { paths: Record<string, object> };

    for (const [path, operations] of Object.entries(doc.paths)) {
      // PUT is used by no route, so a routed path answers 405 with its Allow header, behind any auth.
      const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await t.http.put(concrete).set('X-API-Key', ADMIN_KEY);
      const allowed = (res.headers.allow ?? '').split(', ');
      // HEAD comes with every GET, documented on its own or not.
      const documented = Object.keys(operations).map((m) => m.toUpperCase());
      if (documented.includes('GET') && !documented.includes('HEAD')) documented.push('HEAD');
      expect({ path, status: res.status, allowed: allowed.sort() }).toEqual({
        path,
        status: 405,
        allowed: documented.sort(),
      });
    }
  });

  it('when /docs is opened, then Swagger UI is served as HTML under its own CSP', async () => {
    const redirect = await t.http.get('/docs');
    const page = await t.http.get('/docs').redirects(1);
    const api = await t.http.get('/health/live');

    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toBe(api.headers['content-security-policy']);
    const scripts = [...page.text.matchAll(/<script src="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect((await t.http.get(`/docs/${script}`)).status).toBe(200);
  });
});

describe('readiness with the database gone', () => {
  it('when the store is closed, then /health/ready answers 503 problem+json naming database', async () => {
    const t = await createTestApp();
    await t.container.store.close();

    const res = await t.http.get('/health/ready');
    await t.close().catch(() => undefined);

    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.code).toBe('service_unavailable');
    expect(res.body.detail).toMatch(/database/);
    expectMatchesOpenApi(res, 'GET', '/health/ready');
  });
});
