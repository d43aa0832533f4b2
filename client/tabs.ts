/**
 * Tab coordination: refreshes run under a Web Lock, so two tabs never refresh at once, and
 * the tab that refreshed shares the new access token over a BroadcastChannel, so a tab that
 * waited for the lock uses it instead of refreshing again. Both are optional: without them
 * (Node, old browsers) a client still refreshes once per call site, and the service's reuse
 * grace window makes a racing refresh of the same token get the same successor.
 */
import type { LockManagerLike } from './types';

export const LOCK_NAME = 'otp-login-refresh';
export const CHANNEL_NAME = 'otp-login';

/**
 * What one tab tells the others. `scope` is the mode and the service's address: a client
 * listens only to clients of the same service in the same mode.
 */
export type TabMessage =
  | {
      type: 'tokens';
      scope: string;
      sessionId: string | null;
      accessToken: string;
      expiresAt: number;
      user: unknown;
      csrfToken: string | null;
    }
  | { type: 'signed-out'; scope: string; sessionId: string | null };

/**
 * Runs `fn` under the lock. `contended` tells it whether another holder had the lock first
 * (then that holder has probably just refreshed, and its message is on the way).
 */
export async function underLock<T>(
  locks: LockManagerLike | null,
  fn: (contended: boolean) => Promise<T>,
): Promise<T> {
  if (!locks) return fn(false);
  const free = await locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) =>
    lock ? { ran: true as const, value: await fn(false) } : { ran: false as const },
  );
  if (free.ran) return free.value;
  return locks.request(LOCK_NAME, {}, async () => fn(true));
}

/** Parses a message from the channel; anything else is ignored. */
export function asTabMessage(data: unknown): TabMessage | null {
  if (!data || typeof data !== 'object') return null;
  const m = data as Partial<TabMessage>;
  if (typeof m.scope !== 'string') return null;
  if (m.type === 'signed-out') return m as TabMessage;
  if (m.type === 'tokens' && typeof m.accessToken === 'string' && typeof m.expiresAt === 'number') {
    return m as TabMessage;
  }
  return null;
}
