import { loadConfig } from '../../src/platform/config/config';
import { clientKey } from '../../src/platform/ip-network';

describe('clientKey: what per-IP limits and budgets count under', () => {
  it.each([
    ['198.51.100.7', 64, '198.51.100.7'],
    ['::ffff:198.51.100.7', 64, '198.51.100.7'],
    ['::FFFF:198.51.100.7', 48, '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', 64, '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ABCD', 64, '2001:db8:1:2::/64'],
    ['2001:db8:1:2:3:4:5:6', 48, '2001:db8:1::/48'],
    ['2001:db8:1:2:3:4:5:6', 56, '2001:db8:1::/56'],
    ['2001:db8:1:2ff:3:4:5:6', 56, '2001:db8:1:200::/56'],
    ['2001:db8::1', 128, '2001:db8::1/128'],
    ['::1', 64, '::/64'],
    ['fe80::1:2:3:4%eth0', 64, 'fe80::/64'],
  ])('when the client is %s and the prefix /%i, then the key is %s', (ip, prefix, key) => {
    expect(clientKey(ip, prefix)).toBe(key);
  });

  it('when the address is missing or not an IP, then it is kept as given (or "unknown")', () => {
    expect(clientKey(undefined, 64)).toBe('unknown');
    expect(clientKey('', 64)).toBe('unknown');
    expect(clientKey('not-an-ip', 64)).toBe('not-an-ip');
  });
});

describe('IPV6_SUBNET_PREFIX', () => {
  it('when unset, then /64; when set inside 32–128, then that; outside, then the service refuses to start', () => {
    expect(loadConfig({}).rateLimit.ipv6SubnetPrefix).toBe(64);
    expect(loadConfig({ IPV6_SUBNET_PREFIX: '56' }).rateLimit.ipv6SubnetPrefix).toBe(56);
    expect(loadConfig({ IPV6_SUBNET_PREFIX: '128' }).rateLimit.ipv6SubnetPrefix).toBe(128);
    expect(() => loadConfig({ IPV6_SUBNET_PREFIX: '31' })).toThrow(/IPV6_SUBNET_PREFIX/);
    expect(() => loadConfig({ IPV6_SUBNET_PREFIX: '129' })).toThrow(/IPV6_SUBNET_PREFIX/);
  });
});
