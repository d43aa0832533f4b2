/**
 * The page's one client of the service: the library served at /v1/client.js, in cookie mode
 * (the refresh token stays in an HttpOnly cookie, the access token in memory, and the tabs of
 * this browser share one refresh). Failures are the library's OtpApiError: `status` (0 when
 * the service could not be reached), `code`, `retryAfter`, `methods`.
 */
import { createOtpClient } from '/v1/client.js';

export const client = createOtpClient({ baseUrl: '', mode: 'cookie' });

/** GET /v1/sessions, every page of it (a person has a handful of sessions). */
export async function allSessions() {
  const sessions = [];
  let cursor;
  do {
    const page = await client.listSessions(cursor ? { cursor } : {});
    sessions.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return sessions;
}
