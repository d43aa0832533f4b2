import https from 'node:https';

/** Returns the PEM certificate at a URL that the caller has already checked. */
export type CertificateFetcher = (url: string) => Promise<string>;

/**
 * Fetches SNS signing certificates over HTTPS (5 s timeout, 16 KiB cap) and keeps them: SNS
 * uses a handful of certificates, so each is fetched once per process.
 */
export function createCertificateFetcher(
  get: CertificateFetcher = httpsGet,
  maxEntries = 20,
): CertificateFetcher {
  const cache = new Map<string, Promise<string>>();
  return (url) => {
    const hit = cache.get(url);
    if (hit) return hit;
    if (cache.size >= maxEntries) cache.clear();
    const pending = get(url);
    cache.set(url, pending);
    pending.catch(() => cache.delete(url));
    return pending;
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
