/** One place that talks to the service: URLs, headers per mode, JSON, and errors. */
import { errorFromResponse, networkError } from './errors';
import type { AuthMode } from './types';

export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** Bearer token for the routes that need one. */
  accessToken?: string | null;
  /** Ask for cookie mode (verify, step-up, refresh) in cookie mode. */
  cookieMode?: boolean;
  /** A cookie-authenticated request: send the double-submit CSRF token. */
  csrfToken?: string | null;
}

export interface Transport {
  /** The parsed JSON answer, or undefined for 202/204 answers without one. */
  call<T>(path: string, options?: CallOptions): Promise<T>;
}

export function createTransport(config: {
  baseUrl: string;
  mode: AuthMode;
  fetch: typeof fetch;
  now: () => number;
}): Transport {
  const base = config.baseUrl.replace(/\/+$/, '');
  return {
    async call<T>(path: string, options: CallOptions = {}): Promise<T> {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`;
      if (config.mode === 'cookie') {
        if (options.cookieMode) headers['X-Auth-Mode'] = 'cookie';
        if (options.csrfToken) headers['X-CSRF-Token'] = options.csrfToken;
      }
      let res: Response;
      try {
        res = await config.fetch(`${base}${path}`, {
          method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          // Cookie mode needs the browser to send and store the service's cookies, also
          // cross-origin; header mode never needs them.
          credentials: config.mode === 'cookie' ? 'include' : 'same-origin',
        });
      } catch (err) {
        throw networkError(err);
      }
      if (!res.ok) throw await errorFromResponse(res, config.now());
      if (res.status === 204 || res.status === 202) {
        await res.body?.cancel();
        return undefined as T;
      }
      return (await res.json()) as T;
    },
  };
}
