import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/platform/config/config';
import { goodProduction, problemsOf } from '../helpers/config-env';
import { parseAdminKeyEntry, weakKeyReason } from '../../src/platform/admin-key-entries';

/**
 * The operator mistakes production refuses (docs/security.md, "Operator mistakes an attacker
 * uses"): plain SMTP, trusting every proxy hop, admin keys that can be guessed, and links in
 * emails that lead nowhere or travel in clear (PUBLIC_URL). Each
 * refusal names its setting and never echoes a key.
 */

const randomKey = () => randomBytes(32).toString('base64url');

describe('SMTP_REQUIRE_TLS', () => {
  it('when unset, then TLS is required (STARTTLS, or implicit with SMTP_SECURE)', () => {
    expect(loadConfig({}).email.smtp.requireTls).toBe(true);
    expect(loadConfig(goodProduction()).email.smtp.requireTls).toBe(true);
  });

  it('when false in development, then plain SMTP is allowed (a local mail catcher)', () => {
    expect(loadConfig({ SMTP_REQUIRE_TLS: 'false' }).email.smtp.requireTls).toBe(false);
  });

  it('when false in production, then the service refuses to start, naming the setting', () => {
    const problems = problemsOf({ ...goodProduction(), SMTP_REQUIRE_TLS: 'false' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SMTP_REQUIRE_TLS=false is refused in production/);
  });
});

describe('TRUST_PROXY', () => {
  it('when true in production, then the service refuses, naming TRUST_PROXY and suggesting a hop count or CIDR', () => {
    const problems = problemsOf({ ...goodProduction(), TRUST_PROXY: 'true' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TRUST_PROXY=true is refused in production/);
    expect(problems[0]).toMatch(/number of proxies \(e\.g\. 1\).*10\.0\.0\.0\/8/);
  });

  it.each(['1', '2', '10.0.0.0/8', 'loopback, 10.0.0.0/8', 'false'])(
    'when %s in production, then it starts',
    (value) => {
      expect(() => loadConfig({ ...goodProduction(), TRUST_PROXY: value })).not.toThrow();
    },
  );

  it.each(['TRUE', 'yes', '10.0.0.0/8, proxy.internal', '10.0.0.0/33'])(
    'when %s (not a count, address or named range), then it is refused naming TRUST_PROXY, in any mode',
    (value) => {
      expect(problemsOf({ TRUST_PROXY: value })).toEqual([
        expect.stringMatching(/^TRUST_PROXY: ".+" is not a hop count, an IP address or CIDR/),
      ]);
    },
  );

  it('when true in development, then it is allowed (a laptop behind one local proxy)', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });
});

describe('PUBLIC_URL', () => {
  const { PUBLIC_URL: _unset, ...withoutUrl } = goodProduction();

  it('when unset outside production, then it is this port on localhost', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:5000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:9000' }).publicUrl).toBe('http://127.0.0.1:9000');
  });

  it('when unset in production, then the service refuses to start, naming PUBLIC_URL', () => {
    expect(problemsOf(withoutUrl)).toEqual([expect.stringMatching(/^PUBLIC_URL is required in production/)]);
    expect(problemsOf({ ...withoutUrl, PUBLIC_URL: '  ' })).toHaveLength(1);
  });

  it.each([
    ['http', 'http://login.example.com', /^PUBLIC_URL must be https in production/],
    ['localhost', 'https://localhost:5000', /^PUBLIC_URL must not be localhost/],
    ['a subdomain of localhost', 'https://app.localhost', /^PUBLIC_URL must not be localhost/],
    ['127.0.0.1', 'https://127.0.0.1', /^PUBLIC_URL must not be localhost/],
    ['another 127/8 address', 'https://127.1.2.3:8443', /^PUBLIC_URL must not be localhost/],
    ['::1', 'https://[::1]:5000', /^PUBLIC_URL must not be localhost/],
    ['::1 mapped to IPv4', 'https://[::ffff:127.0.0.1]', /^PUBLIC_URL must not be localhost/],
    ['0.0.0.0', 'https://0.0.0.0', /^PUBLIC_URL must not be localhost/],
  ])('when it is %s in production, then the service refuses to start, naming PUBLIC_URL', (_c, url, why) => {
    const problems = problemsOf({ ...withoutUrl, PUBLIC_URL: url });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(why);
  });

  it.each(['https://login.example.com', 'https://203.0.113.10:8443', 'https://localhost.example.com'])(
    'when it is %s in production, then it starts',
    (url) => {
      expect(loadConfig({ ...withoutUrl, PUBLIC_URL: url }).publicUrl).toBe(url);
    },
  );

  it('when it is not an http(s) URL, then it is refused in any mode', () => {
    expect(problemsOf({ PUBLIC_URL: 'ftp://login.example.com' }).join()).toMatch(/PUBLIC_URL/);
    expect(problemsOf({ PUBLIC_URL: 'login.example.com' }).join()).toMatch(/PUBLIC_URL/);
  });

  it('when only the deprecated PUBLIC_BASE_URL is set, then production reads it and holds it to the same rules', () => {
    const old = { ...withoutUrl, PUBLIC_BASE_URL: 'https://old.example.com' };
    expect(loadConfig(old).publicUrl).toBe('https://old.example.com');
    expect(problemsOf({ ...old, PUBLIC_BASE_URL: 'http://old.example.com' })).toEqual([
      expect.stringMatching(/^PUBLIC_URL \(set as PUBLIC_BASE_URL\) must be https in production/),
    ]);
  });
});

describe('ADMIN_API_KEYS in production', () => {
  it.each([
    ['the .env.docker.example placeholder', 'CHANGE_ME_admin_api_key', /placeholder/],
    ['one repeated character', 'a'.repeat(16), /placeholder|shorter than 32/],
    ['one repeated character, long', 'a'.repeat(48), /too little entropy/],
    ['a repeated pattern', 'abcdefgh'.repeat(5), /too little entropy/],
    ['few distinct characters', '0101001101010011011100101001011010', /too little entropy/],
    ['short', randomKey().slice(0, 31), /shorter than 32 characters/],
    ['a replace-me marker', `REPLACE_WITH_${randomKey()}`, /placeholder/],
  ])('when a key is %s, then production refuses it naming ADMIN_API_KEYS, not the key', (_c, key, why) => {
    const problems = problemsOf({ ...goodProduction(), ADMIN_API_KEYS: `${randomKey()},${key}` });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ADMIN_API_KEYS entry 2 /);
    expect(problems[0]).toMatch(why);
    expect(problems[0]).not.toContain(key);
  });

  it('when keys are 32 random bytes, their digests, or hex keys, then production starts; development takes weaker keys', () => {
    const hex32 = randomBytes(16).toString('hex');
    const digest = `sha256:${randomBytes(32).toString('hex')}`;
    const env = { ...goodProduction(), ADMIN_API_KEYS: `${randomKey()},${digest},${hex32}` };
    expect(loadConfig(env).adminApiKeys).toHaveLength(3);
    expect(loadConfig({ ADMIN_API_KEYS: 'a'.repeat(16) }).adminApiKeys).toEqual(['a'.repeat(16)]);
  });

  it('when random keys of the production length are drawn, then none is called weak (no false refusals)', () => {
    for (let i = 0; i < 2000; i++) {
      expect(weakKeyReason(randomBytes(16).toString('hex'))).toBeUndefined();
      expect(weakKeyReason(randomBytes(24).toString('base64url'))).toBeUndefined();
    }
  });
});

describe('ADMIN_API_KEYS entry format', () => {
  const key = 'k'.repeat(8) + '0123456789abcdef';
  it('when an entry is a bare key, then it has both scopes and no network limit (the old format)', () => {
    expect(parseAdminKeyEntry(key)).toEqual({ entry: { key, scopes: ['read', 'write'], cidrs: [] } });
  });

  it('when scopes and cidr are given, then they are parsed, the networks canonical; order and case of options do not matter', () => {
    const digest = 'AB'.repeat(32);
    expect(parseAdminKeyEntry(`sha256:${digest}; CIDR=10.1.2.3/8|2001:db8::/32 ;scopes=read`)).toEqual({
      entry: { digestHex: digest.toLowerCase(), scopes: ['read'], cidrs: ['10.0.0.0/8', '2001:db8::/32'] },
    });
    expect(parseAdminKeyEntry(`${key};scopes=write|read`)).toMatchObject({
      entry: { scopes: ['read', 'write'] },
    });
  });

  it('when an entry is malformed, then boot is refused naming the entry and the mistake, never the key', () => {
    const problems = problemsOf({
      ADMIN_API_KEYS: [
        `${key};scopes=admin`,
        `${key};cidr=10.0.0.0/33`,
        `${key};owner=ops`,
        `${key};scopes=read;scopes=write`,
        `${key};cidr=`,
      ].join(','),
    });
    expect(problems).toEqual([
      'ADMIN_API_KEYS entry 1: scopes: "admin" is not read or write',
      'ADMIN_API_KEYS entry 2: cidr: "10.0.0.0/33" is not an IP address or CIDR',
      'ADMIN_API_KEYS entry 3: unknown option "owner" (known: scopes, cidr; a key cannot contain ; or ,)',
      'ADMIN_API_KEYS entry 4: scopes is given twice',
      'ADMIN_API_KEYS entry 5: cidr needs values separated by |',
    ]);
    for (const p of problems) expect(p).not.toContain(key);
  });

  it('when a key itself contains ";", then the refusal quotes no part of it', () => {
    const problems = problemsOf({ ADMIN_API_KEYS: 'Hn2Lk8Pq4Wz6;Xc1Vb7Nm3Jt9Rs5Df0Ga' });
    expect(problems.join()).not.toMatch(/Hn2Lk8|Xc1Vb7|xc1vb7/);
    expect(problems).toContain(
      'ADMIN_API_KEYS entry 1: unknown option (known: scopes, cidr; a key cannot contain ; or ,)',
    );
  });
});
