import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * IPv6 clients are keyed by network (IPV6_SUBNET_PREFIX, default /64) in every per-IP limit and
 * budget; an IPv4-mapped IPv6 address is the IPv4 address. Behind a trusted proxy (loopback),
 * so X-Forwarded-For names the client.
 */

const HOUR_MS = 3_600_000;
let seq = 0;
const freshEmail = (label: string) => `net-${label}-${++seq}@example.com`;
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

const requestFrom = (t: TestApp, ip: string, email = freshEmail('req')) =>
  t.http.post('/v1/otp/request').set('X-Forwarded-For', ip).send({ email });
const verifyFrom = (t: TestApp, ip: string, email: string, code: string) =>
  t.http.post('/v1/otp/verify').set('X-Forwarded-For', ip).send({ email, code });
const since = (t: TestApp) => new Date(t.clock.now().getTime() - HOUR_MS);

describe('database budgets by IPv6 network (OTP_MAX_PER_IP_PER_HOUR=2, OTP_MAX_FAILED_PER_IP_PER_HOUR=2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUST_PROXY: 'loopback', OTP_MAX_PER_IP_PER_HOUR: '2', OTP_MAX_FAILED_PER_IP_PER_HOUR: '2' },
    });
  });
  afterAll(async () => t.close());

  it('when many addresses of one /64 ask for codes, then they share one cap, and another /64 still gets its code', async () => {
    const statuses = [];
    for (const ip of ['2001:db8:1:2::1', '2001:DB8:1:2::abcd', '2001:db8:1:2:ffff:ffff:ffff:fffe'])
      statuses.push((await requestFrom(t, ip)).status);
    const otherNetwork = await requestFrom(t, '2001:db8:1:3::1');

    expect(statuses).toEqual([202, 202, 429]);
    expect(otherNetwork.status).toBe(202);
    // The budget is stored and counted under the network, not the address.
    expect(await t.container.store.otps.countCreatedSince({ requestIp: '2001:db8:1:2::/64' }, since(t))).toBe(
      2,
    );
    expect(await t.container.store.otps.countCreatedSince({ requestIp: '2001:db8:1:2::1' }, since(t))).toBe(
      0,
    );
  });

  it('when an IPv4-mapped address and its IPv4 form ask for codes, then they share one cap', async () => {
    const statuses = [];
    for (const ip of ['::ffff:198.51.100.9', '198.51.100.9', '::FFFF:198.51.100.9'])
      statuses.push((await requestFrom(t, ip)).status);

    expect(statuses).toEqual([202, 202, 429]);
    expect(await t.container.store.otps.countCreatedSince({ requestIp: '198.51.100.9' }, since(t))).toBe(2);
  });

  it('when many addresses of one /64 guess wrong, then they share one failure budget, and another /64 is not locked', async () => {
    const guesses: number[] = [];
    for (const host of ['1', '2', '3']) {
      const email = freshEmail('guess');
      const code = await t.requestCode(email, `192.0.2.${host}`);
      guesses.push((await verifyFrom(t, `2001:db8:7:8::${host}`, email, wrongCode(code))).status);
    }
    const email = freshEmail('other');
    const code = await t.requestCode(email, '192.0.2.9');
    const otherNetwork = await verifyFrom(t, '2001:db8:7:9::1', email, wrongCode(code));

    expect(guesses).toEqual([401, 401, 429]);
    expect(otherNetwork.status).toBe(401);
    expect(await t.container.store.authFailures.countSince({ ip: '2001:db8:7:8::/64' }, since(t))).toBe(2);
  });
});

describe('a wider network (IPV6_SUBNET_PREFIX=48)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUST_PROXY: 'loopback', OTP_MAX_PER_IP_PER_HOUR: '2', IPV6_SUBNET_PREFIX: '48' },
    });
  });
  afterAll(async () => t.close());

  it('when addresses of different /64s inside one /48 ask for codes, then they share one cap', async () => {
    const statuses = [];
    for (const ip of ['2001:db8:5:1::1', '2001:db8:5:2::1', '2001:db8:5:3::1'])
      statuses.push((await requestFrom(t, ip)).status);
    const otherNetwork = await requestFrom(t, '2001:db8:6::1');

    expect(statuses).toEqual([202, 202, 429]);
    expect(otherNetwork.status).toBe(202);
  });
});

describe('the request limiters by IPv6 network (RATE_LIMIT_MAX_REQUESTS=3, VERIFY_RATE_LIMIT_PER_5_MIN=2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUST_PROXY: 'loopback', RATE_LIMIT_MAX_REQUESTS: '3', VERIFY_RATE_LIMIT_PER_5_MIN: '2' },
    });
  });
  afterAll(async () => t.close());

  it('when many addresses of one /64 call the API, then they share the general limit, and another /64 is served', async () => {
    const statuses = [];
    for (let host = 1; host <= 4; host++)
      statuses.push((await requestFrom(t, `2001:db8:a:b::${host}`)).status);
    const otherNetwork = await requestFrom(t, '2001:db8:a:c::1');

    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(otherNetwork.status).toBe(202);
  });

  it('when many addresses of one /64 try codes, then they share the verify limit; IPv4-mapped shares with IPv4', async () => {
    const email = freshEmail('limit');
    const guesses = [];
    for (let host = 1; host <= 3; host++)
      guesses.push((await verifyFrom(t, `2001:db8:c:d::${host}`, email, '000000')).status);
    const mapped = [];
    for (const ip of ['203.0.113.50', '::ffff:203.0.113.50', '203.0.113.50'])
      mapped.push((await verifyFrom(t, ip, email, '000000')).status);

    expect(guesses).toEqual([401, 401, 429]);
    expect(mapped).toEqual([401, 401, 429]);
  });
});
