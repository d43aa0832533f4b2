/** What the IP-rule tests share: an admin key, unique addresses to request codes for, and the 403 a refusal must be. */

export const KEY = 'ip-rules-admin-key-0123456789';
let seq = 0;
export const freshEmail = (label: string) => `ip-${label}-${++seq}-${Date.now()}@example.com`;

export async function expectRefused(res: {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}) {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ code: 'forbidden', status: 403 });
  expect(res.body.detail).toBeUndefined();
}
