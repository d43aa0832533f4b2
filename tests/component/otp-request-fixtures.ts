import type { Response } from 'supertest';
import type { TestApp } from '../helpers/test-app';

/** Shared by otp-request.test.ts and otp-request-limits.test.ts. */

export const COOLDOWN_MS = 60_000;
const VOLATILE_HEADERS = new Set(['date', 'etag', 'x-request-id', 'ratelimit']);
let seq = 0;
export const freshEmail = (label: string, domain = 'example.com') => `req-${label}-${++seq}@${domain}`;

export const requestCode = (t: TestApp, email: unknown, path = '/v1/otp/request') =>
  t.http.post(path).send({ email });

/** Everything a caller can observe, minus what differs between any two responses. */
export function observable(res: Response) {
  const { requestId: _requestId, ...body } = res.body as Record<string, unknown>;
  const headers = Object.entries(res.headers)
    .filter(([name]) => !VOLATILE_HEADERS.has(name))
    .sort(([a], [b]) => a.localeCompare(b));
  return {
    status: res.status,
    body,
    headerNames: Object.keys(res.headers).sort(),
    headers,
  };
}

export const otpRows = (t: TestApp, email: string) => t.container.store.otps.listNewest(email, 50);

export async function sentAfter(
  t: TestApp,
  act: () => Promise<Response>,
): Promise<{ res: Response; sent: number }> {
  // Earlier requests' emails are still on their way (the job runs after the 202): count from after them.
  await t.container.queue.drain();
  const before = t.mailer.sent.length;
  const res = await act();
  await t.container.queue.drain();
  return { res, sent: t.mailer.sent.length - before };
}
