/** What the client reads from its environment, each optional: Web Locks, BroadcastChannel, cookies. */
import type { ChannelLike, LockManagerLike, TokenStorage } from './types';

type Globals = {
  document?: { cookie?: unknown };
  localStorage?: TokenStorage;
  WorkerGlobalScope?: unknown;
  navigator?: { locks?: LockManagerLike };
  BroadcastChannel?: new (name: string) => ChannelLike;
};
const globals = globalThis as unknown as Globals;

/**
 * Only in a browser (a page or a worker). In Node, every client in a process would share one
 * channel, which a server acting for several users must never do.
 */
const inBrowser = (): boolean =>
  typeof globals.document === 'object' || globals.WorkerGlobalScope !== undefined;

export function defaultLocks(): LockManagerLike | null {
  const locks = inBrowser() ? globals.navigator?.locks : undefined;
  return locks && typeof locks.request === 'function' ? locks : null;
}

export function defaultChannel(name: string): ChannelLike | null {
  const Channel = globals.BroadcastChannel;
  return inBrowser() && typeof Channel === 'function' ? new Channel(name) : null;
}

/** A cookie of the page's origin (the CSRF cookie, when the page is on the service's origin). */
export function readCookie(name: string): string | null {
  const cookie = globals.document?.cookie;
  if (typeof cookie !== 'string') return null;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * The page's localStorage, when it has a usable one (it throws in some sandboxed frames).
 * Cookie mode keeps its CSRF token there by default: a page on another origin than the service
 * cannot read the CSRF cookie, and every tab must send the latest token.
 */
export function browserLocalStorage(): TokenStorage | null {
  try {
    const storage = inBrowser() ? globals.localStorage : undefined;
    return storage && typeof storage.getItem === 'function' ? storage : null;
  } catch {
    return null;
  }
}
