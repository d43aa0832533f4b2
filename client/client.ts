/** createOtpClient: sign-in, token upkeep and the account calls, in header or cookie mode. */
import { OtpApiError } from './errors';
import { browserLocalStorage, defaultChannel, defaultLocks, readCookie } from './env';
import { createTransport, type CallOptions } from './http';
import { memoryStorage } from './storage';
import { SessionState } from './state';
import { asTabMessage, CHANNEL_NAME, underLock, type TabMessage } from './tabs';
import type { AuthState, OtpClient, OtpClientOptions, SessionPage, SignIn, User } from './types';

export const REFRESH_TOKEN_KEY = 'otp-login:refresh-token';
export const CSRF_TOKEN_KEY = 'otp-login:csrf-token';
/** Header mode: the session the stored refresh token belongs to, so tabs sharing storage agree. */
export const SESSION_ID_KEY = 'otp-login:session-id';
export const CSRF_COOKIE = '__Host-csrf';
/** How long a tab that waited for the refresh lock waits for the holder's new token. */
const CONTENDED_WAIT_MS = 1000;

interface TokenBody extends SignIn {
  refreshToken?: string;
  csrfToken?: string;
}

/** A 401 about the access token itself (not, say, a wrong step-up code): a refresh may cure it. */
const TOKEN_PROBLEMS = new Set(['token_expired', 'invalid_token', 'session_expired', 'unauthorized']);

const signedOutError = () => new OtpApiError({ status: 401, code: 'not_signed_in', title: 'Not signed in' });

export function createOtpClient(options: OtpClientOptions): OtpClient {
  const mode = options.mode ?? 'header';
  if (mode !== 'header' && mode !== 'cookie') throw new TypeError(`unknown mode ${String(mode)}`);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? (() => Date.now());
  const aheadMs = (options.refreshAheadSeconds ?? 60) * 1000;
  // Header mode keeps the refresh token in memory unless told otherwise; cookie mode's CSRF token
  // is no secret from the page's scripts, and is kept where every tab and a reload find it.
  const storage = options.storage ?? (mode === 'cookie' ? browserLocalStorage() : null) ?? memoryStorage();
  const locks = options.locks === undefined ? defaultLocks() : options.locks;
  const channel = options.channel === undefined ? defaultChannel(CHANNEL_NAME) : options.channel;
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const http = createTransport({ baseUrl, mode, fetch: fetchFn, now });
  const scope = `${mode} ${baseUrl}`;
  const state = new SessionState();
  let inflight: Promise<AuthState> | null = null;

  const post = (message: TabMessage) => channel?.postMessage(message);
  /** Cookie mode: every tab shares the cookie. Header mode: tabs that share the stored session. */
  const ours = async (m: TabMessage) => {
    if (m.scope !== scope) return false;
    if (mode === 'cookie') return true;
    const mine = state.sessionId ?? (await storage.getItem(SESSION_ID_KEY));
    return m.sessionId !== null && m.sessionId === mine;
  };
  channel?.addEventListener('message', (event) => {
    const m = asTabMessage(event.data);
    if (!m) return;
    void ours(m).then((yes) => {
      if (!yes) return;
      if (m.type === 'signed-out') return forget(false);
      if (m.expiresAt > (state.expiresAt ?? 0)) state.set({ ...m, user: (m.user as User | null) ?? null });
    });
  });

  async function forget(tellOthers: boolean): Promise<void> {
    const sessionId = state.sessionId;
    state.clear();
    if (mode === 'header') {
      await storage.removeItem(REFRESH_TOKEN_KEY);
      await storage.removeItem(SESSION_ID_KEY);
    } else await storage.removeItem(CSRF_TOKEN_KEY);
    if (tellOthers) post({ type: 'signed-out', scope, sessionId });
  }

  /** Keeps what a verify, step-up or refresh answered, and tells the other tabs. */
  async function accept(body: TokenBody, startedAt: number): Promise<SignIn> {
    const { refreshToken, csrfToken, ...signIn } = body;
    const tokens = {
      accessToken: body.accessToken,
      expiresAt: startedAt + body.expiresIn * 1000,
      user: body.user ?? null,
      sessionId: body.session?.id ?? null,
      csrfToken: csrfToken ?? null,
    };
    if (mode === 'header' && refreshToken) {
      await storage.setItem(REFRESH_TOKEN_KEY, refreshToken);
      if (tokens.sessionId) await storage.setItem(SESSION_ID_KEY, tokens.sessionId);
    }
    if (mode === 'cookie' && csrfToken) await storage.setItem(CSRF_TOKEN_KEY, csrfToken);
    state.set(tokens);
    post({ type: 'tokens', scope, ...tokens });
    return signIn;
  }

  async function csrfToken(): Promise<string | null> {
    return state.csrfToken ?? (await storage.getItem(CSRF_TOKEN_KEY)) ?? readCookie(CSRF_COOKIE);
  }

  async function callRefresh(): Promise<AuthState> {
    const startedAt = now();
    let body: TokenBody;
    try {
      if (mode === 'header') {
        const refreshToken = await storage.getItem(REFRESH_TOKEN_KEY);
        if (!refreshToken) throw signedOutError();
        body = await http.call<TokenBody>('/v1/auth/refresh', { body: { refreshToken } });
      } else {
        const csrf = await csrfToken();
        body = await http.call<TokenBody>('/v1/auth/refresh', {
          method: 'POST',
          cookieMode: true,
          csrfToken: csrf,
        });
      }
    } catch (err) {
      // The refresh token is spent, expired or revoked: this session is over, in every tab.
      if (err instanceof OtpApiError && err.status === 401) await forget(err.code !== 'not_signed_in');
      throw err;
    }
    await accept(body, startedAt);
    return state.snapshot();
  }

  function refresh(): Promise<AuthState> {
    inflight ??= (async () => {
      const seen = state.generation;
      const held = mode === 'header' ? await storage.getItem(REFRESH_TOKEN_KEY) : null;
      return underLock(locks, async (contended) => {
        // Another tab held the lock: it has most likely just refreshed this very session, and
        // its new token is on the channel (in header mode, it has rotated the stored token).
        const rotated = mode === 'cookie' || (await storage.getItem(REFRESH_TOKEN_KEY)) !== held;
        if (contended && channel && rotated) await state.changedSince(seen, CONTENDED_WAIT_MS);
        if (state.generation !== seen && state.isFresh(now(), aheadMs)) return state.snapshot();
        return callRefresh();
      });
    })().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function getAccessToken(): Promise<string | null> {
    if (state.isFresh(now(), aheadMs)) return state.accessToken;
    try {
      await refresh();
      return state.accessToken;
    } catch (err) {
      if (err instanceof OtpApiError && (err.status === 401 || err.status === 403)) return null;
      // Not reachable just now: a token that has not yet expired still does.
      if (state.isFresh(now(), 0)) return state.accessToken;
      throw err;
    }
  }

  /** A call with the access token; a 401 about the token gets one refresh and one retry. */
  async function authed<T>(path: string, call: CallOptions = {}): Promise<T> {
    const token = await getAccessToken();
    if (!token) throw signedOutError();
    try {
      return await http.call<T>(path, { ...call, accessToken: token });
    } catch (err) {
      if (!(err instanceof OtpApiError) || err.status !== 401 || !TOKEN_PROBLEMS.has(err.code)) throw err;
      const retried = await refresh().then(
        () => state.accessToken,
        () => null,
      );
      if (!retried) throw err;
      return http.call<T>(path, { ...call, accessToken: retried });
    }
  }

  return {
    mode,
    async requestCode(email, opts = {}) {
      await http.call('/v1/otp/request', { body: { email, ...opts } });
    },
    async verify(email, code) {
      const startedAt = now();
      const body = await http.call<TokenBody>('/v1/otp/verify', { body: { email, code }, cookieMode: true });
      return accept(body, startedAt);
    },
    async requestStepUpCode() {
      await authed('/v1/auth/step-up/email', { method: 'POST' });
    },
    async stepUp(proof) {
      const startedAt = now();
      const body = await authed<TokenBody>('/v1/auth/step-up', { body: proof, cookieMode: true });
      return accept(body, startedAt);
    },
    refresh,
    async logout() {
      const token = state.isFresh(now(), 0) ? state.accessToken : await getAccessToken().catch(() => null);
      try {
        if (token || mode === 'cookie') {
          const csrf = mode === 'cookie' ? await csrfToken() : null;
          await http.call('/v1/auth/logout', { method: 'POST', accessToken: token, csrfToken: csrf });
        }
      } catch (err) {
        // 401: the session was already over, which is what logout wants.
        if (!(err instanceof OtpApiError) || err.status !== 401) throw err;
      } finally {
        await forget(true);
      }
    },
    me: () => authed<User>('/v1/users/me'),
    listSessions({ limit, cursor } = {}) {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set('limit', String(limit));
      if (cursor !== undefined) query.set('cursor', cursor);
      const qs = query.toString();
      return authed<SessionPage>(`/v1/sessions${qs ? `?${qs}` : ''}`);
    },
    async revokeSession(id) {
      await authed(`/v1/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (id === state.sessionId) await forget(true);
    },
    async revokeOtherSessions() {
      await authed('/v1/sessions', { method: 'DELETE' });
    },
    getAccessToken,
    getState: () => state.snapshot(),
    onChange: (listener) => state.onChange(listener),
    close() {
      channel?.close();
      state.close();
    },
  };
}
