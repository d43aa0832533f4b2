import { UAParser } from 'ua-parser-js';
import { isIP } from 'node:net';
import { hmacHex } from '../../platform/secrets';

/** A readable device, parsed from the user agent (ua-parser-js); null parts were not recognised. */
export interface DeviceView {
  browser: string | null;
  os: string | null;
  /** ua-parser-js's device type (mobile, tablet, …), or `desktop` when it names none. */
  type: string;
}

/** What the client said about itself: the user agent and the low-entropy client hints. */
export interface DeviceHints {
  userAgent?: string;
  /** `Sec-CH-UA`, `Sec-CH-UA-Mobile` and `Sec-CH-UA-Platform`, as sent. */
  clientHints?: string;
}

const named = (name?: string, version?: string) =>
  name ? (version ? `${name} ${version.split('.')[0]}` : name).slice(0, 64) : null;

export function parseDevice(userAgent: string | null | undefined): DeviceView {
  const ua = new UAParser(userAgent ?? '').getResult();
  return {
    browser: named(ua.browser.name, ua.browser.version),
    os: named(ua.os.name, ua.os.version),
    type: ua.device.type ?? 'desktop',
  };
}

/**
 * The device fingerprint kept with each session and each user's known devices: an HMAC (key
 * derived from SESSION_SECRET) of the device as parsed from the user agent (browser, OS,
 * device type, vendor and model, without versions, so an update is not a new device) and the
 * client hints (their version numbers dropped). Coarse (two browsers of one kind look alike)
 * and never used to grant anything: it only decides whether a sign-in is told to the owner.
 * Keyed, so a stolen table cannot be matched against user agents.
 */
export function deviceFingerprint(key: Buffer, hints: DeviceHints): string {
  const ua = new UAParser(hints.userAgent ?? '').getResult();
  const parts = [ua.browser.name, ua.os.name, ua.device.type, ua.device.vendor, ua.device.model];
  const clientHints = (hints.clientHints ?? '').replace(/;\s*v="[^"]*"/g, '');
  return hmacHex(key, [...parts.map((p) => p ?? ''), clientHints].join('\n')).slice(0, 32);
}

/** The network an address belongs to, for a person to read: the /24 of IPv4, the /64 of IPv6. */
export function approximateNetwork(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(v4) === 4) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(ip) !== 6) return 'unknown';
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}
