import { MailError, maskedReason, type MailErrorClass } from './mail-error';

/** Reads a Retry-After header (delta-seconds or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return raw * 1000;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Classifies a provider's HTTP answer. Throttling (429), timeouts (408), server faults (5xx)
 * and account-level refusals (401/403: a revoked key or a suspended account, which another
 * provider can still deliver) are transient: retried, and the fallback takes over. Any other
 * 4xx is about this message (an invalid address, a rejected body) and is permanent.
 */
export function mailErrorForStatus(
  provider: string,
  status: number,
  options: { retryAfter?: unknown; detail?: string } = {},
): MailError {
  const transient = status === 408 || status === 429 || status === 401 || status === 403 || status >= 500;
  const detail = options.detail ? `: ${maskedReason(undefined, options.detail).slice(0, 200)}` : '';
  return new MailError(`${provider} answered ${status}${detail}`, !transient, {
    retryAfterMs: transient ? parseRetryAfter(options.retryAfter) : undefined,
    errorClass: classOfStatus(status),
    provider,
  });
}

// No `cause` is attached on purpose: SDK errors carry the request config, API key included.

/** A request that got no HTTP answer (refused, reset, timed out): always worth another try. */
export function mailErrorForNetwork(provider: string, code: string | undefined): MailError {
  return new MailError(`${provider} request failed (${code ?? 'network error'})`, false, {
    errorClass: /TIMEDOUT|TIMEOUT|ABORT/i.test(code ?? '') ? 'timeout' : 'network',
    provider,
  });
}

function classOfStatus(status: number): MailErrorClass {
  if (status === 429) return 'throttled';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  return status >= 500 ? 'server' : 'rejected';
}
