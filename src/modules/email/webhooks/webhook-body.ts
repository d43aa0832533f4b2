import { WebhookError } from './delivery-event';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, refusing bytes that are not UTF-8 (two bodies must never read the same). */
export function bodyText(rawBody: Buffer): string {
  try {
    return utf8.decode(rawBody);
  } catch {
    throw new WebhookError('malformed', 'body is not UTF-8');
  }
}

/** JSON.parse that reports a WebhookError with the given reason. */
export function parseJson(text: string, reason: 'malformed' | 'unsigned'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WebhookError(reason, 'body is not JSON');
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Seconds since the epoch (number or numeric string) as a Date, else `fallback`. */
export function epochSeconds(v: unknown, fallback: Date): Date {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : fallback;
}

/** A signing timestamp within `maxSkewSeconds` of now, either way; else the request is stale. */
export function checkSkew(timestamp: string | undefined, now: Date, maxSkewSeconds: number): void {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new WebhookError('unsigned', 'no signing timestamp');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > maxSkewSeconds) {
    throw new WebhookError('stale', 'signing timestamp outside the allowed window');
  }
}
