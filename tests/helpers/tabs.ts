import { BroadcastChannel } from 'node:worker_threads';
import type { ChannelLike, LockManagerLike } from '../../client';

/** What browser tabs share, for the library's tests in Node: a lock manager and a channel. */

/**
 * A stand-in for navigator.locks (Node has none): one exclusive lock per name, granted in
 * order; `ifAvailable` is refused while the lock is held or asked for, as Web Locks do.
 */
export function tinyLocks(): LockManagerLike {
  const tails = new Map<string, Promise<unknown>>();
  const waiting = new Map<string, number>();
  return {
    async request(name, options, callback) {
      if (options.ifAvailable && (waiting.get(name) ?? 0) > 0) return callback(null);
      waiting.set(name, (waiting.get(name) ?? 0) + 1);
      const run = (tails.get(name) ?? Promise.resolve()).then(async () => {
        try {
          return await callback({ name });
        } finally {
          waiting.set(name, (waiting.get(name) ?? 1) - 1);
        }
      });
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

export const channelNamed = (name: string) => new BroadcastChannel(name) as unknown as ChannelLike;

/** Polls until `condition` holds (a message between tabs arrives a task later). */
export async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
