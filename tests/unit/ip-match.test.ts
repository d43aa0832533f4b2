import { canonicalIp, IpPolicy, IpSet, parseIpNetwork } from '../../src/modules/ip-rules/ip-match';

const net = (text: string) => {
  const n = parseIpNetwork(text);
  if (!n) throw new Error(`bad test network ${text}`);
  return n;
};

describe('parsing IP rules', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7/32'],
    ['203.0.113.0/24', '203.0.113.0/24'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['::ffff:198.51.100.7', '198.51.100.7/32'],
    ['::FFFF:10.1.2.3/104', '10.0.0.0/8'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1/128'],
    ['fe80::1:2:3:4/64', 'fe80::/64'],
    ['::1', '::1/128'],
    [' 192.0.2.1 ', '192.0.2.1/32'],
  ])('when the rule is %s, then it is stored as %s', (input, canonical) => {
    expect(parseIpNetwork(input)?.cidr).toBe(canonical);
  });

  it.each([
    ['1.2.3'],
    ['1.2.3.4/33'],
    ['2001:db8::/129'],
    ['::ffff:1.2.3.4/95'],
    ['1.2.3.4/'],
    ['256.1.1.1'],
    ['example.com'],
    ["1.2.3.4' OR 1=1--"],
    ['1.2.3.4/8/8'],
    [''],
    ['1'.repeat(100)],
  ])('when the rule is %j, then it is refused', (input) => {
    expect(parseIpNetwork(input)).toBeUndefined();
  });

  it('when a client address is IPv4-mapped IPv6, then it is matched as IPv4', () => {
    expect(canonicalIp('::ffff:127.0.0.1')).toEqual({ address: '127.0.0.1', family: 'ipv4' });
    expect(canonicalIp('::FFFF:127.0.0.1')).toEqual({ address: '127.0.0.1', family: 'ipv4' });
    expect(canonicalIp('2001:DB8::1')).toEqual({ address: '2001:db8::1', family: 'ipv6' });
    expect(canonicalIp('not-an-ip')).toBeUndefined();
    expect(canonicalIp(undefined)).toBeUndefined();
  });
});

describe('matching addresses', () => {
  it('when a set holds an address and networks, then members match in every spelling and others do not', () => {
    const set = new IpSet([net('127.0.0.1'), net('203.0.113.0/24'), net('2001:db8::/32')]);

    for (const ip of ['127.0.0.1', '::ffff:127.0.0.1', '203.0.113.0', '203.0.113.255', '::ffff:203.0.113.9'])
      expect({ ip, member: set.has(ip) }).toEqual({ ip, member: true });
    for (const ip of ['2001:db8::1', '2001:db8:ffff::1', '2001:DB8::ABCD'])
      expect({ ip, member: set.has(ip) }).toEqual({ ip, member: true });
    for (const ip of ['127.0.0.2', '203.0.114.0', '2001:db9::1', '::1', 'garbage', undefined])
      expect({ ip, member: set.has(ip) }).toEqual({ ip, member: false });
  });

  it('when a rule is written as a mapped network, then plain IPv4 clients inside it match', () => {
    const set = new IpSet([net('::ffff:10.0.0.0/104')]);
    expect(set.has('10.200.1.1')).toBe(true);
    expect(set.has('::ffff:10.200.1.1')).toBe(true);
    expect(set.has('11.0.0.1')).toBe(false);
  });

  it('when an empty set is asked, then nothing matches', () => {
    expect(new IpSet([]).has('127.0.0.1')).toBe(false);
  });
});

describe('the allow/deny policy', () => {
  it('when there are no rules, then every address is allowed and the policy says it is empty', () => {
    expect(new IpPolicy([]).check('198.51.100.1')).toBe('allowed');
    expect(new IpPolicy([]).empty).toBe(true);
  });

  it('when one deny or one allow rule exists, then the policy is not empty', () => {
    const network = parseIpNetwork('203.0.113.0/24');
    if (!network) throw new Error('the test CIDR did not parse');
    expect(new IpPolicy([{ network, action: 'deny' }]).empty).toBe(false);
    expect(new IpPolicy([{ network, action: 'allow' }]).empty).toBe(false);
  });

  it('when an address is denied, then deny wins even over an allow rule that covers it', () => {
    const policy = new IpPolicy([
      { network: net('10.0.0.0/8'), action: 'allow' },
      { network: net('10.0.0.5'), action: 'deny' },
    ]);
    expect(policy.check('10.0.0.5')).toBe('denied');
    expect(policy.check('::ffff:10.0.0.5')).toBe('denied');
    expect(policy.check('10.0.0.6')).toBe('allowed');
  });

  it('when any allow rule exists, then only listed addresses pass', () => {
    const policy = new IpPolicy([{ network: net('192.0.2.0/24'), action: 'allow' }]);
    expect(policy.allowlistActive).toBe(true);
    expect(policy.check('192.0.2.44')).toBe('allowed');
    expect(policy.check('198.51.100.1')).toBe('not_allowlisted');
    expect(policy.check(undefined)).toBe('not_allowlisted');
  });
});
