/** The signed-in state one client holds in memory, and who is told when it changes. */
import type { AuthState, User } from './types';

export interface Tokens {
  accessToken: string;
  /** ms since the epoch. */
  expiresAt: number;
  user: User | null;
  sessionId: string | null;
  csrfToken: string | null;
}

export class SessionState {
  accessToken: string | null = null;
  expiresAt: number | null = null;
  user: User | null = null;
  sessionId: string | null = null;
  csrfToken: string | null = null;
  /** Counts changes, so a refresh that waited can tell that someone else refreshed meanwhile. */
  generation = 0;
  private readonly listeners = new Set<(state: AuthState) => void>();
  private readonly waiters = new Set<() => void>();

  snapshot(): AuthState {
    return {
      signedIn: this.accessToken !== null,
      user: this.user,
      sessionId: this.sessionId,
      expiresAt: this.expiresAt,
    };
  }

  /** The access token has more than `aheadMs` left at `now`. */
  isFresh(now: number, aheadMs: number): boolean {
    return this.accessToken !== null && this.expiresAt !== null && this.expiresAt - now > aheadMs;
  }

  set(tokens: Tokens): void {
    this.accessToken = tokens.accessToken;
    this.expiresAt = tokens.expiresAt;
    this.user = tokens.user ?? this.user;
    this.sessionId = tokens.sessionId ?? this.sessionId;
    this.csrfToken = tokens.csrfToken ?? this.csrfToken;
    this.changed();
  }

  clear(): void {
    const was = this.accessToken !== null || this.sessionId !== null;
    this.accessToken = null;
    this.expiresAt = null;
    this.user = null;
    this.sessionId = null;
    this.csrfToken = null;
    if (was) this.changed();
  }

  onChange(listener: (state: AuthState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves true once the state changes after `generation`, or false after `timeoutMs`. */
  changedSince(generation: number, timeoutMs: number): Promise<boolean> {
    if (this.generation !== generation) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(this.generation !== generation);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  close(): void {
    this.listeners.clear();
    for (const done of [...this.waiters]) done();
  }

  private changed(): void {
    this.generation += 1;
    for (const done of [...this.waiters]) done();
    const state = this.snapshot();
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (err) {
        // A listener's fault is the app's: reported as uncaught, without breaking the sign-in.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
