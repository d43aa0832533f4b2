import type { AuthRepositories } from '../auth';

const SESSION_PAGE = 500;

/** Active sessions of a user, counted a page at a time so thousands of sessions are still read whole. */
export async function countActiveSessions(
  sessions: AuthRepositories['sessions'],
  userId: string,
  now: Date,
): Promise<number> {
  let count = 0;
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const page = await sessions.listActiveForUser(userId, now, { limit: SESSION_PAGE, after });
    count += page.length;
    if (page.length < SESSION_PAGE) return count;
    const last = page[page.length - 1];
    after = { createdAt: last.createdAt, id: last.id };
  }
}
