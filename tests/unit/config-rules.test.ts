import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { goodProduction, problemsOf } from '../helpers/config-env';

describe('cross-field rules', () => {
  it('when every rule is broken at once, then ONE error lists every problem, rule by rule', () => {
    const error = (() => {
      try {
        loadConfig({
          NODE_ENV: 'production',
          SESSION_SECRET: 'short',
          TLS_KEY_FILE: 'key.pem',
          CORS_ORIGIN: 'https://app.example.com,*',
          EMAIL_TRANSPORT: 'mailgun',
          EMAIL_FALLBACK_TRANSPORT: 'mailgun',
          SENDGRID_WEBHOOK_PUBLIC_KEY: 'bm90IGEga2V5',
          ADMIN_API_KEYS: 'short-key,sha256:abc',
          FEATURE_FLAGS: 'signup=50',
          IP_DENYLIST: 'nope',
          IP_ALLOWLIST: '10.0.0.0/40',
        });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toEqual([
      'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
      'SESSION_SECRET must be at least 32 bytes',
      'an external database is required in production (POSTGRESQL_URL or DATABASE_URL)',
      'CORS_ORIGIN must list origins, not *',
      'METRICS_TOKEN is required in production',
      'PUBLIC_URL is required in production: the https address users reach the service at (the links in emails point there), e.g. https://login.example.com',
      'EMAIL_TRANSPORT=mailgun needs MAILGUN_API_KEY',
      'EMAIL_TRANSPORT=mailgun needs MAILGUN_DOMAIN',
      'EMAIL_FALLBACK_TRANSPORT=mailgun needs MAILGUN_API_KEY',
      'EMAIL_FALLBACK_TRANSPORT=mailgun needs MAILGUN_DOMAIN',
      'EMAIL_FALLBACK_TRANSPORT must differ from EMAIL_TRANSPORT',
      'SENDGRID_WEBHOOK_PUBLIC_KEY is not a base64 DER public key (copy it from SendGrid as shown)',
      'ADMIN_API_KEYS entry 1: a key must be at least 16 characters',
      'ADMIN_API_KEYS entry 2: sha256: needs 64 hex digits',
      'FEATURE_FLAGS: unknown flag "signup" (known: signups, unversioned_aliases)',
      'IP_DENYLIST: "nope" is not an IP address or CIDR',
      'IP_ALLOWLIST: "10.0.0.0/40" is not an IP address or CIDR',
    ]);
    for (const problem of problems) expect(message).toContain(problem);
  });

  it('when a variable is malformed, then the malformed ones are reported alone, before any cross-field rule', () => {
    expect(problemsOf({ NODE_ENV: 'production', PORT: 'abc', ADMIN_API_KEYS: 'short' })).toEqual([
      '"PORT" must be a number',
    ]);
  });

  it('when the secret is short outside production, then it is refused once; in production, once too', () => {
    expect(problemsOf({ SESSION_SECRET: 'x'.repeat(31) })).toEqual([
      'SESSION_SECRET must be at least 32 bytes',
    ]);
    expect(problemsOf({ ...goodProduction(), SESSION_SECRET: 'x'.repeat(31) })).toEqual([
      'SESSION_SECRET must be at least 32 bytes',
    ]);
  });

  it('when the TLS certificate and key come together, then tls is set; either alone is refused', () => {
    expect(loadConfig({ TLS_CERT_FILE: 'cert.pem', TLS_KEY_FILE: 'key.pem' }).tls).toEqual({
      certFile: 'cert.pem',
      keyFile: 'key.pem',
    });
    expect(loadConfig({ TLS_CERT_FILE: ' ', TLS_KEY_FILE: '' }).tls).toBeUndefined();
    expect(problemsOf({ TLS_CERT_FILE: 'cert.pem' })).toEqual([
      'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    ]);
  });

  it('when production is complete, then no rule objects, with or without the optional extras', () => {
    expect(() => loadConfig(goodProduction())).not.toThrow();
    expect(() =>
      loadConfig({
        ...goodProduction(),
        ADMIN_API_KEYS: `Vq3xN8pL2mR7tY0wZ5sK9dF4hJ6gB1cA;scopes=read;cidr=10.0.0.0/8,sha256:${'ab'.repeat(32)}`,
        FEATURE_FLAGS: 'signups=25,unversioned_aliases=off',
        IP_DENYLIST: '203.0.113.0/24',
        IP_ALLOWLIST: '2001:db8::/32',
        EMAIL_TRANSPORT: 'smtp',
        EMAIL_FALLBACK_TRANSPORT: 'sendgrid',
        SENDGRID_API_KEY: 'SG.key',
      }),
    ).not.toThrow();
  });

  it('when the embedded database is allowed in production, then only that rule is lifted', () => {
    const env = { ...goodProduction(), POSTGRESQL_URL: '', ALLOW_EMBEDDED_DATABASE: 'true' };
    expect(loadConfig(env).storage.kind).toBe('pglite');
    expect(problemsOf({ ...env, METRICS_TOKEN: '' })).toEqual(['METRICS_TOKEN is required in production']);
  });
});
