import { approximateNetwork, deviceFingerprint, parseDevice } from '../../src/modules/auth/device';
import { SessionLinks } from '../../src/modules/auth/session-link';

const key = Buffer.alloc(32, 7);
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('devices', () => {
  it('when a user agent is parsed, then browser and OS carry major versions and the type defaults to desktop', () => {
    expect(parseDevice(CHROME_MAC)).toEqual({ browser: 'Chrome 131', os: 'Mac OS 10', type: 'desktop' });
    expect(parseDevice(null)).toEqual({ browser: null, os: null, type: 'desktop' });
  });

  it('when a browser updates, then its fingerprint stays; another key, browser or platform hint changes it', () => {
    const hints = '"Chromium";v="131", "Google Chrome";v="131"|?0|"macOS"';
    const fp = deviceFingerprint(key, { userAgent: CHROME_MAC, clientHints: hints });
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(
      deviceFingerprint(key, {
        userAgent: CHROME_MAC.replace('131.0', '132.0'),
        clientHints: hints.replaceAll('131', '132'),
      }),
    ).toBe(fp);
    expect(deviceFingerprint(Buffer.alloc(32, 8), { userAgent: CHROME_MAC, clientHints: hints })).not.toBe(
      fp,
    );
    expect(
      deviceFingerprint(key, { userAgent: CHROME_MAC, clientHints: hints.replace('macOS', 'Windows') }),
    ).not.toBe(fp);
  });

  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:198.51.100.9', '198.51.100.0/24'],
    ['2001:db8:abcd:12:1:2:3:4', '2001:db8:abcd:12::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['not-an-ip', 'unknown'],
  ])('when %s signs in, then the email shows %s', (ip, network) => {
    expect(approximateNetwork(ip)).toBe(network);
  });
});

describe('session links', () => {
  const links = new SessionLinks(key);
  const now = new Date('2030-01-01T00:00:00Z');

  it('when a link is signed, then it verifies for 7 days with its session, user and a fresh id', () => {
    const a = links.sign('s-1', 'u-1', now);
    const b = links.sign('s-1', 'u-1', now);
    const claims = links.verify(a.token, now);
    expect(claims).toMatchObject({ sessionId: 's-1', userId: 'u-1', expiresAt: a.expiresAt });
    expect(claims?.linkId).not.toBe(links.verify(b.token, now)?.linkId);
    expect(links.verify(a.token, new Date(a.expiresAt.getTime() - 1))).toBeDefined();
    expect(links.verify(a.token, a.expiresAt)).toBeUndefined();
  });

  it('when a link is tampered with or signed with another key, then it does not verify', () => {
    const { token } = links.sign('s-1', 'u-1', now);
    const [payload, mac] = token.split('.');
    const other = Buffer.from(
      JSON.stringify({ s: 's-2', u: 'u-1', n: 'x', e: now.getTime() + 1e9 }),
    ).toString('base64url');
    expect(links.verify(`${other}.${mac}`, now)).toBeUndefined();
    expect(links.verify(`${payload}.${mac}x`, now)).toBeUndefined();
    expect(links.verify(`${payload}.${mac}.x`, now)).toBeUndefined();
    expect(new SessionLinks(Buffer.alloc(32, 9)).verify(token, now)).toBeUndefined();
  });
});
