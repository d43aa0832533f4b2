import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses and networks as text: parsing `1.2.3.0/24` or `2001:db8::/32` into a canonical
 * network, and the canonical form of a client address. Pure and protocol-free, so the IP rules
 * module and the configuration's check of IP_ALLOWLIST / IP_DENYLIST share one parser.
 */

export type IpFamily = 'ipv4' | 'ipv6';

/** One address or network, in canonical `address/prefix` form. */
export interface IpNetwork {
  address: string;
  prefix: number;
  family: IpFamily;
  /** `203.0.113.0/24`, `2001:db8::/32`, `198.51.100.7/32`. */
  cidr: string;
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The address a rule is matched against. An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`,
 * what a dual-stack socket reports for an IPv4 client) becomes plain IPv4, so a rule written
 * either way matches the client either way.
 */
export function canonicalIp(ip: string | undefined): { address: string; family: IpFamily } | undefined {
  if (!ip) return undefined;
  const mapped = MAPPED_V4.exec(ip);
  const address = mapped ? mapped[1] : ip;
  if (isIPv4(address)) return { address, family: 'ipv4' };
  if (isIPv6(address)) return { address: address.toLowerCase(), family: 'ipv6' };
  return undefined;
}

/**
 * The key a client's per-IP limits and budgets are counted under: an IPv4 address (an
 * IPv4-mapped IPv6 one included) as itself, an IPv6 address as its network of `ipv6Prefix`
 * bits (`2001:db8:1:2::/64`), since one subscriber usually holds a whole /64 and could
 * otherwise take a fresh budget with every address in it. Anything else is kept as given.
 */
export function clientKey(ip: string | undefined, ipv6Prefix: number): string {
  const canonical = canonicalIp(ip);
  if (!canonical) return ip || 'unknown';
  if (canonical.family === 'ipv4') return canonical.address;
  return `${maskIpv6(canonical.address, ipv6Prefix)}/${ipv6Prefix}`;
}

/** Parses `1.2.3.4`, `1.2.3.0/24`, `2001:db8::/32` or `::ffff:10.0.0.0/104`; undefined if it is none. */
export function parseIpNetwork(text: string): IpNetwork | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const match = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!match) return undefined;
  const rawPrefix = match[2] === undefined ? undefined : Number(match[2]);
  const mapped = MAPPED_V4.exec(match[1]);
  let address: string;
  let family: IpFamily;
  let prefix: number;
  if (mapped && isIPv4(mapped[1])) {
    // A mapped network is the IPv4 network under the first 96 bits.
    if (rawPrefix !== undefined && rawPrefix < 96) return undefined;
    address = mapped[1];
    family = 'ipv4';
    prefix = rawPrefix === undefined ? 32 : rawPrefix - 96;
  } else if (isIPv4(match[1])) {
    address = match[1];
    family = 'ipv4';
    prefix = rawPrefix ?? 32;
  } else if (isIPv6(match[1])) {
    address = match[1].toLowerCase();
    family = 'ipv6';
    prefix = rawPrefix ?? 128;
  } else {
    return undefined;
  }
  if (prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  const network = family === 'ipv4' ? maskIpv4(address, prefix) : maskIpv6(address, prefix);
  return { address: network, prefix, family, cidr: `${network}/${prefix}` };
}

/** The network address: `10.1.2.3/8` and `10.0.0.0/8` are one rule, stored once. */
function maskIpv4(address: string, prefix: number): string {
  const value = address.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
  const masked = value & ~((1n << BigInt(32 - prefix)) - 1n);
  return [24n, 16n, 8n, 0n].map((shift) => String((masked >> shift) & 255n)).join('.');
}

function maskIpv6(address: string, prefix: number): string {
  const value = ipv6Groups(address).reduce((n, group) => (n << 16n) | BigInt(group), 0n);
  const masked = value & ~((1n << BigInt(128 - prefix)) - 1n);
  const groups = Array.from({ length: 8 }, (_, i) => Number((masked >> BigInt(112 - 16 * i)) & 0xffffn));
  return formatIpv6(groups);
}

/** Eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16));
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
