/** The shapes the API answers with, and the options and events of the client. */

export interface User {
  id: string;
  email: string;
  createdAt: string;
  lastLoginAt: string | null;
  [extra: string]: unknown;
}

export interface Session {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  absoluteExpiresAt: string;
  ip: string | null;
  userAgent: string | null;
  device: { browser: string | null; os: string | null; type: string };
  /** True on the session this client is signed in with. */
  current?: boolean;
  [extra: string]: unknown;
}

export interface SessionPage {
  data: Session[];
  nextCursor: string | null;
}

/**
 * What verify, step-up and refresh answer, without the refresh token: the client keeps that
 * itself (header mode) or the browser keeps it in an HttpOnly cookie (cookie mode).
 */
export interface SignIn {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token is valid for, from when it was issued. */
  expiresIn: number;
  user: User;
  session: Session;
  [extra: string]: unknown;
}

/** `header`: tokens in JSON bodies; `cookie`: the refresh token in an HttpOnly cookie. */
export type AuthMode = 'header' | 'cookie';

/**
 * Where the client keeps what must survive a reload: the refresh token (header mode) or the
 * CSRF token (cookie mode). `window.localStorage` and `sessionStorage` fit as they are; any
 * method may return a promise. Default: memory only (a reload signs out in header mode).
 */
export interface TokenStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** The part of the Web Locks API the client uses (`navigator.locks`). */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

/** The part of BroadcastChannel the client uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface OtpClientOptions {
  /** The service's address, e.g. `https://auth.example.com` ('' for the page's own origin). */
  baseUrl: string;
  /** Default `header`. */
  mode?: AuthMode;
  /** Default: in memory. */
  storage?: TokenStorage;
  /** Refresh when the access token has less than this left (seconds, default 60). */
  refreshAheadSeconds?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default `navigator.locks` when there is one; `null` for none (one tab only). */
  locks?: LockManagerLike | null;
  /** Default `new BroadcastChannel('otp-login')` when there is one; `null` for none. */
  channel?: ChannelLike | null;
  /** Milliseconds since the epoch (default Date.now); for tests. */
  now?: () => number;
}

/** What onChange listeners get: signed in (with whom) or signed out. */
export interface AuthState {
  signedIn: boolean;
  user: User | null;
  sessionId: string | null;
  /** When the access token in memory expires (ms since the epoch), or null. */
  expiresAt: number | null;
}

/** Step-up proof: one of a TOTP code, a recovery code or an emailed code. */
export type StepUpProof = { totpCode: string } | { recoveryCode: string } | { emailCode: string };

export interface RequestCodeOptions {
  /** The email's language, e.g. `en` or `es-MX`. */
  locale?: string;
  /** The CAPTCHA widget's answer, when the service requires one. */
  captchaToken?: string;
}

export interface OtpClient {
  readonly mode: 'header' | 'cookie';
  /** `POST /v1/otp/request`: the same answer for every valid address (202). */
  requestCode(email: string, options?: RequestCodeOptions): Promise<void>;
  /** `POST /v1/otp/verify`: signs in; the first verify of an address creates the user. */
  verify(email: string, code: string): Promise<SignIn>;
  /** `POST /v1/auth/step-up/email`: sends a step-up code to the user's own address. */
  requestStepUpCode(): Promise<void>;
  /** `POST /v1/auth/step-up`: a fresh (or second-factor) sign-in for the current session. */
  stepUp(proof: StepUpProof): Promise<SignIn>;
  /** A new token pair now (once for every tab: see the tab coordination in docs/api.md). */
  refresh(): Promise<AuthState>;
  /** `POST /v1/auth/logout`, then forgets every token, in every tab of this session. */
  logout(): Promise<void>;
  me(): Promise<User>;
  listSessions(options?: { limit?: number; cursor?: string }): Promise<SessionPage>;
  revokeSession(id: string): Promise<void>;
  /** `DELETE /v1/sessions`: sign out everywhere else (needs a recent step-up). */
  revokeOtherSessions(): Promise<void>;
  /** A valid access token (refreshed when less than refreshAheadSeconds is left), or null when signed out. */
  getAccessToken(): Promise<string | null>;
  getState(): AuthState;
  /** Called on each sign-in, refresh (also by another tab) and sign-out; returns the unsubscribe. */
  onChange(listener: (state: AuthState) => void): () => void;
  /** Stops listening to other tabs. */
  close(): void;
}
