import https from 'node:https';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../../platform/clock';
import { systemClock } from '../../../platform/clock';

/** Returns the PEM certificate at a URL that the caller has already checked. */
export type CertificateFetcher = (url: string) => Promise<string>;

export interface CertificateCacheOptions {
  clock?: Clock;
  /** Certificates kept (SNS signs with a handful; failures never evict them). */
  maxCertificates?: number;
  /** How long a failed fetch is remembered, so a URL that failed is not fetched again at once. */
  failureTtlMs?: number;
  /** Failed URLs remembered at most (oldest forgotten first). */
  maxFailures?: number;
  /** Fetches in flight at once; a new URL beyond that fails at once (SNS retries). */
  maxInFlight?: number;
}

/**
 * Fetches SNS signing certificates over HTTPS (5 s timeout, 16 KiB cap) and keeps them. A forged
 * message may name any certificate file on the SNS host, so the fetches it can cause are bounded:
 * each URL is fetched once (racing messages share the fetch), a failure is remembered for
 * `failureTtlMs` in a cache of its own (a flood of bad names cannot evict the good
 * certificates), and at most `maxInFlight` fetches run at once. The caller passes only URLs
 * already normalised by `trustedCertUrl` (ses.webhook.ts).
 */
export function createCertificateFetcher(
  get: CertificateFetcher = httpsGet,
  options: CertificateCacheOptions = {},
): CertificateFetcher {
  const clock = options.clock ?? systemClock;
  const failureTtlMs = options.failureTtlMs ?? 5 * 60_000;
  const maxInFlight = options.maxInFlight ?? 2;
  const good = new LRUCache<string, string>({ max: options.maxCertificates ?? 50 });
  const failed = new LRUCache<string, number>({ max: options.maxFailures ?? 1_000 });
  const inFlight = new Map<string, Promise<string>>();
  return (url) => {
    const pem = good.get(url);
    if (pem !== undefined) return Promise.resolve(pem);
    const failedAt = failed.get(url);
    if (failedAt !== undefined && clock.now().getTime() - failedAt < failureTtlMs) {
      return Promise.reject(new Error('certificate fetch failed recently'));
    }
    const pending = inFlight.get(url);
    if (pending) return pending;
    if (inFlight.size >= maxInFlight) return Promise.reject(new Error('too many certificate fetches'));
    const fetching = get(url).then(
      (body) => {
        good.set(url, body);
        failed.delete(url);
        return body;
      },
      (err: unknown) => {
        failed.set(url, clock.now().getTime());
        throw err;
      },
    );
    inFlight.set(url, fetching);
    void fetching.then(
      () => inFlight.delete(url),
      () => inFlight.delete(url),
    );
    return fetching;
  };
}

function httpsGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { timeout: 5_000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`certificate fetch answered ${res.statusCode}`));
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 16_384) req.destroy(new Error('certificate too large'));
      });
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('certificate fetch timed out')));
    req.on('error', reject);
  });
}
