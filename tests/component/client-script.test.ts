import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientBundle } from '../helpers/client-bundle';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** GET /v1/client.js: the bundled browser library, as a cacheable ES module any page may load. */
describe('GET /v1/client.js', () => {
  const bundle = buildClientBundle();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ overrides: { clientScriptPath: bundle.path } });
  });
  afterAll(async () => {
    await t.close();
    bundle.remove();
  });

  it('when it is fetched, then it is the built bundle as JavaScript, cacheable by ETag and loadable from any origin', async () => {
    // A listed origin (CORS_ORIGIN's default) would get credentials allowed on API routes.
    const res = await t.http.get('/v1/client.js').set('Origin', 'http://localhost:3000');

    expect(res.status).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/v1/client.js');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toBe(readFileSync(bundle.path, 'utf8'));
  });

  it('when the ETag is sent back, then 304 without a body; a changed one gets the file', async () => {
    const { etag } = (await t.http.get('/v1/client.js')).headers;

    const same = await t.http.get('/v1/client.js').set('If-None-Match', etag);
    const other = await t.http.get('/v1/client.js').set('If-None-Match', '"something-else"');

    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    expectMatchesOpenApi(same, 'GET', '/v1/client.js');
    expect(other.status).toBe(200);
  });

  it('when it is asked for with gzip, then it comes compressed (about 14 KB of source)', async () => {
    const res = await t.http.get('/v1/client.js').set('Accept-Encoding', 'gzip');

    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.text).toContain('createOtpClient');
  });

  it('when the bundle is imported as a module, then it exports the API, and it runs without eval (strict CSP)', () => {
    const source = readFileSync(bundle.path, 'utf8');
    expect(source).not.toMatch(/\beval\s*\(|new Function\s*\(/);
    expect(source).not.toMatch(/\brequire\s*\(/);

    const exported = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(`file://${bundle.path}`)});
         const c = m.createOtpClient({ baseUrl: 'http://127.0.0.1:1' });
         console.log(JSON.stringify([Object.keys(m).sort(), typeof c.verify, new m.OtpApiError({ status: 429, code: 'rate_limited', title: 't' }) instanceof Error]));`,
      ],
      { encoding: 'utf8' },
    );

    expect(JSON.parse(exported)).toEqual([
      ['OtpApiError', 'createOtpClient', 'memoryStorage'],
      'function',
      true,
    ]);
  });
});

describe('GET /v1/client.js without a build', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ overrides: { clientScriptPath: join(__dirname, 'no-such-dir', 'client.js') } });
  });
  afterAll(async () => t.close());

  it('when the bundle is missing, then 503 problem+json naming the fix, never a 500', async () => {
    const res = await t.http.get('/v1/client.js');

    expect(res.status).toBe(503);
    expectMatchesOpenApi(res, 'GET', '/v1/client.js');
    expect(res.body).toMatchObject({
      code: 'service_unavailable',
      detail: expect.stringContaining('npm run build'),
    });
    expect(res.headers['retry-after']).toBe('60');
  });
});
