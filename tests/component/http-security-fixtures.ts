/** What the HTTP security tests share: the headers every answer carries, and what an error body must never leak. */
import type { Response } from 'supertest';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const LEAKS = /\bat \S+ \(|node_modules|\/src\/|\.ts:\d|SELECT|boom|stack/i;

export function expectSecurityHeaders(res: Response) {
  const h = res.headers;
  expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(h['x-content-type-options']).toBe('nosniff');
  const csp = (h['content-security-policy'] ?? '').split(';').map((d) => d.trim());
  expect(csp.sort()).toEqual(["base-uri 'none'", "default-src 'none'", "frame-ancestors 'none'"]);
  expect(h['referrer-policy']).toBe('no-referrer');
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['cache-control']).toBe('no-store');
  expect(h['x-powered-by']).toBeUndefined();
  expect(h['x-request-id']).toMatch(UUID);
  if (res.text) expect(h['content-type']).toMatch(/^application\/(problem\+)?json; charset=utf-8$/);
  if (res.status >= 400) expect(res.body.requestId).toBe(h['x-request-id']);
}
