import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustedCertUrl } from '../../src/modules/email/webhooks/ses.webhook';
import { createCertificateFetcher } from '../../src/modules/email/webhooks/sns-certificates';
import { ManualClock } from '../../src/platform/clock';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
const HOST = 'https://sns.eu-west-1.amazonaws.com';

/** A fetcher stand-in whose fetches the test settles by hand. */
function standIn() {
  const calls: string[] = [];
  const pending: Array<{ url: string; resolve: (pem: string) => void; reject: (e: Error) => void }> = [];
  const get = (url: string) =>
    new Promise<string>((resolve, reject) => {
      calls.push(url);
      pending.push({ url, resolve, reject });
    });
  return { calls, pending, get };
}

describe('SNS certificate URLs', () => {
  it('when a certificate URL is trusted, then it is fetched in one canonical form', () => {
    expect(trustedCertUrl(`${HOST}/SimpleNotificationService-abc123.pem`, TOPIC)).toBe(
      `${HOST}/SimpleNotificationService-abc123.pem`,
    );
    expect(
      trustedCertUrl('https://SNS.EU-WEST-1.amazonaws.com:443/SimpleNotificationService-abc123.pem', TOPIC),
    ).toBe(`${HOST}/SimpleNotificationService-abc123.pem`);
    // Dot segments resolve to the same file: one name, one fetch.
    expect(trustedCertUrl(`${HOST}/x/../SimpleNotificationService-abc123.pem`, TOPIC)).toBe(
      `${HOST}/SimpleNotificationService-abc123.pem`,
    );
    expect(
      trustedCertUrl(
        'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem',
        'arn:aws-cn:sns:cn-north-1:123456789012:t',
      ),
    ).toBe('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem');
  });

  it.each([
    [`${HOST}/SimpleNotificationService-abc.pem#x`],
    [`${HOST}/SimpleNotificationService-abc.pem#`],
    [`${HOST}/SimpleNotificationService-abc.pem?`],
    [`${HOST}/SimpleNotificationService-abc.pem?a=b`],
    [`https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem`],
    [`https://:@sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem`],
    [`${HOST}/SimpleNotificationService-abc.pem/`],
    [`${HOST}/SimpleNotificationService-%61bc.pem`],
    [`http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem`],
    [`https://sns.eu-west-1.amazonaws.com.cn/SimpleNotificationService-abc.pem`],
  ])('when the URL is %s, then it is not trusted', (url) => {
    expect(trustedCertUrl(url, TOPIC)).toBeUndefined();
  });
});

describe('SNS certificate fetching', () => {
  it('when several messages name one certificate at once, then it is fetched once and kept', async () => {
    const s = standIn();
    const fetcher = createCertificateFetcher(s.get);
    const both = Promise.all([fetcher('u1'), fetcher('u1')]);
    s.pending[0].resolve('PEM');
    await expect(both).resolves.toEqual(['PEM', 'PEM']);
    await expect(fetcher('u1')).resolves.toBe('PEM');
    expect(s.calls).toEqual(['u1']);
  });

  it('when a fetch fails, then the URL is not fetched again until the failure is 5 minutes old', async () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const s = standIn();
    const fetcher = createCertificateFetcher(s.get, { clock });
    const first = fetcher('u1');
    s.pending[0].reject(new Error('404'));
    await expect(first).rejects.toThrow('404');
    for (let i = 0; i < 5; i += 1) await expect(fetcher('u1')).rejects.toThrow(/failed recently/);
    clock.advance(5 * 60_000 - 1);
    await expect(fetcher('u1')).rejects.toThrow(/failed recently/);
    expect(s.calls).toEqual(['u1']);
    clock.advance(1);
    const retry = fetcher('u1');
    s.pending[1].resolve('PEM');
    await expect(retry).resolves.toBe('PEM');
    expect(s.calls).toEqual(['u1', 'u1']);
  });

  it('when many new names arrive at once, then at most 2 fetches run and the others fail at once', async () => {
    const s = standIn();
    const fetcher = createCertificateFetcher(s.get);
    const results = Array.from({ length: 50 }, (_, i) => fetcher(`u${i}`).catch((e: Error) => e.message));
    expect(s.calls).toEqual(['u0', 'u1']);
    for (const p of s.pending) p.reject(new Error('404'));
    const messages = await Promise.all(results);
    expect(messages.filter((m) => m === 'too many certificate fetches')).toHaveLength(48);
    // Once those are done, the next new name may be fetched.
    void fetcher('u-next').catch(() => undefined);
    expect(s.calls).toEqual(['u0', 'u1', 'u-next']);
  });

  it('when many failing names are tried, then a certificate already fetched is still served from the cache', async () => {
    const s = standIn();
    const fetcher = createCertificateFetcher(s.get, { maxInFlight: 1_000 });
    const good = fetcher('good');
    s.pending[0].resolve('PEM');
    await good;
    const junk = Array.from({ length: 100 }, (_, i) => fetcher(`junk${i}`).catch(() => undefined));
    for (const p of s.pending.slice(1)) p.reject(new Error('404'));
    await Promise.all(junk);
    await expect(fetcher('good')).resolves.toBe('PEM');
    expect(s.calls.filter((u) => u === 'good')).toHaveLength(1);
  });

  it('when the certificate host presents an untrusted TLS certificate or does not answer, then the fetch fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otp-sns-'));
    let keyPem: string;
    let certPem: string;
    try {
      const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost'];
      execFileSync('openssl', [...args, '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], {
        stdio: 'ignore',
      });
      keyPem = readFileSync(join(dir, 'k.pem'), 'utf8');
      certPem = readFileSync(join(dir, 'c.pem'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const server = https.createServer({ key: keyPem, cert: certPem }, (_req, res) => res.end('PEM'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const fetcher = createCertificateFetcher();
      await expect(fetcher(`https://127.0.0.1:${port}/SimpleNotificationService-1.pem`)).rejects.toThrow();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(createCertificateFetcher()(`https://127.0.0.1:${port}/x.pem`)).rejects.toThrow();
  });
});
