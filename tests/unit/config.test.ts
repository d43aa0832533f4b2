import { loadConfig, type Config } from '../../src/platform/config/config';
import { problemsOf } from './config-fixtures';

const SECRET = 'a3f1c9e07b5d2468a3f1c9e07b5d2468a3f1c9e07b5d2468';

/** Everything production insists on, correctly set. */
const goodProduction = (): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  SESSION_SECRET: SECRET,
  POSTGRESQL_URL: 'postgresql://app@db.internal:5432/otp',
  SMTP_HOST: 'smtp.example.com',
  CORS_ORIGIN: 'https://app.example.com',
  METRICS_TOKEN: 'metrics-token-0123456789',
});

describe('loadConfig', () => {
  describe('defaults', () => {
    it('when nothing is set, then the documented defaults apply (PORT 5000, PGlite in ./data, console mail)', () => {
      const config = loadConfig({});
      expect(config).toMatchObject<Partial<Config>>({
        env: 'development',
        port: 5000,
        host: '0.0.0.0',
        corsOrigins: ['http://localhost:3000'],
        trustProxy: false,
        sessionSecret: undefined,
        dataDir: './data',
        storage: { kind: 'pglite', dataDir: './data' },
      });
      expect(config.email.transport).toBe('console');
      expect(config.otp).toEqual({
        length: 6,
        expiryMinutes: 10,
        activeCodes: 3,
        maxAttempts: 5,
        maxFailedPerEmailPerHour: 10,
        maxFailedPerIpPerHour: 100,
        resendCooldownSeconds: 60,
        maxPerEmailPerHour: 5,
        maxPerIpPerHour: 60,
        maxPerDomainPerHour: 500,
        maxCodesPerHourGlobal: 10_000,
        maxFailedPerHourGlobal: 50_000,
        testAccounts: [],
      });
      expect(config.session).toEqual({ idleHours: 24, absoluteDays: 30, stepUpMaxAgeSeconds: 300 });
      expect(config.tokens).toMatchObject({
        accessTtlSeconds: 900,
        refreshGraceSeconds: 10,
        privateKeysPem: [],
      });
      expect(config.rateLimit).toMatchObject({ windowMs: 900_000, max: 100, ipv6SubnetPrefix: 64 });
    });

    it('when loaded, then the result is frozen', () => {
      expect(Object.isFrozen(loadConfig({}))).toBe(true);
    });

    it('when values are strings from the environment, then they are coerced to their types', () => {
      const config = loadConfig({
        PORT: '8080',
        OTP_LENGTH: '8',
        TRUST_PROXY: '2',
        CORS_ORIGIN: 'https://a.test, https://b.test',
      });
      expect(config.port).toBe(8080);
      expect(config.otp.length).toBe(8);
      expect(config.trustProxy).toBe(2);
      expect(config.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
    });
  });

  describe('bad values', () => {
    it('when values are malformed, then one error names each bad variable', () => {
      const error = problemsOf({ PORT: 'abc', OTP_LENGTH: '3', NODE_ENV: 'staging' });
      expect(error.message).toContain('"PORT"');
      expect(error.message).toContain('"OTP_LENGTH"');
      expect(error.message).toContain('"NODE_ENV"');
      expect(error.problems).toHaveLength(3);
    });

    it('when a development secret is shorter than 32 bytes, then it is refused', () => {
      expect(problemsOf({ SESSION_SECRET: 'short' }).problems).toEqual([
        'SESSION_SECRET must be at least 32 bytes',
      ]);
    });

    it('when sendgrid is chosen without a key, then it is refused', () => {
      expect(problemsOf({ EMAIL_TRANSPORT: 'sendgrid' }).problems).toEqual([
        'EMAIL_TRANSPORT=sendgrid needs SENDGRID_API_KEY',
      ]);
    });
  });

  describe('production', () => {
    it('when everything is set correctly, then it loads', () => {
      const config = loadConfig(goodProduction());
      expect(config.env).toBe('production');
      expect(config.storage.kind).toBe('postgres');
      expect(config.email.transport).toBe('smtp');
    });

    it('when everything is wrong at once, then ONE error lists every problem', () => {
      const error = problemsOf({ NODE_ENV: 'production', CORS_ORIGIN: '*' });
      expect(error.problems).toEqual([
        'SESSION_SECRET is required in production',
        'an external database is required in production (POSTGRESQL_URL or DATABASE_URL)',
        'the console email transport is for development only',
        'CORS_ORIGIN must list origins, not *',
        'METRICS_TOKEN is required in production',
      ]);
      for (const problem of error.problems) expect(error.message).toContain(problem);
    });

    it.each([
      ['missing', '', 'SESSION_SECRET is required in production'],
      ['shorter than 32 bytes', 'x'.repeat(31), 'SESSION_SECRET must be at least 32 bytes'],
      [
        'the example value',
        'CHANGE_ME_generate_a_random_32_byte_hex_secret',
        'SESSION_SECRET is the example value; generate one with crypto.randomBytes(32)',
      ],
    ])('when SESSION_SECRET is %s, then production refuses it', (_case, secret, problem) => {
      expect(problemsOf({ ...goodProduction(), SESSION_SECRET: secret }).problems).toEqual([problem]);
    });

    it('when no external database is set, then production refuses unless ALLOW_EMBEDDED_DATABASE=true', () => {
      const env = { ...goodProduction(), POSTGRESQL_URL: '' };
      expect(problemsOf(env).problems).toEqual([
        'an external database is required in production (POSTGRESQL_URL or DATABASE_URL)',
      ]);
      expect(loadConfig({ ...env, ALLOW_EMBEDDED_DATABASE: 'true' }).storage.kind).toBe('pglite');
    });

    it('when mail would go to the console, then production refuses', () => {
      expect(problemsOf({ ...goodProduction(), SMTP_HOST: '' }).problems).toEqual([
        'the console email transport is for development only',
      ]);
      expect(problemsOf({ ...goodProduction(), EMAIL_TRANSPORT: 'console' }).problems).toHaveLength(1);
    });

    it('when CORS_ORIGIN contains *, then production refuses', () => {
      expect(problemsOf({ ...goodProduction(), CORS_ORIGIN: 'https://app.example.com,*' }).problems).toEqual([
        'CORS_ORIGIN must list origins, not *',
      ]);
    });

    it('when METRICS_TOKEN is unset, then production refuses', () => {
      expect(problemsOf({ ...goodProduction(), METRICS_TOKEN: '' }).problems).toEqual([
        'METRICS_TOKEN is required in production',
      ]);
    });
  });

  describe('storage selection', () => {
    it.each([
      ['mongodb://db:27017/otp', 'mongo'],
      ['mongodb+srv://cluster.example.net/otp', 'mongo'],
      ['postgresql://app@db:5432/otp', 'postgres'],
      ['postgres://app@db:5432/otp', 'postgres'],
    ])('when DATABASE_URL is %s, then storage is %s', (url, kind) => {
      const storage = loadConfig({ DATABASE_URL: url }).storage;
      expect(storage).toMatchObject({ kind, url });
    });

    it('when both are set, then POSTGRESQL_URL wins over DATABASE_URL', () => {
      const storage = loadConfig({
        DATABASE_URL: 'mongodb://db:27017/otp',
        POSTGRESQL_URL: 'postgresql://app@pg:5432/otp',
        DATABASE_POOL_MAX: '20',
        DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      }).storage;
      expect(storage).toEqual({
        kind: 'postgres',
        url: 'postgresql://app@pg:5432/otp',
        poolMax: 20,
        statementTimeoutMs: 2000,
        preparedStatements: true,
      });
    });

    it('when DATABASE_PREPARED_STATEMENTS is false, then PostgreSQL runs without named prepared statements', () => {
      const storage = loadConfig({
        POSTGRESQL_URL: 'postgresql://app@pg:5432/otp',
        DATABASE_PREPARED_STATEMENTS: 'false',
      }).storage;
      expect(storage).toMatchObject({ kind: 'postgres', preparedStatements: false });
    });

    it('when no URL is set, then PGlite keeps its files under DATA_DIR', () => {
      expect(loadConfig({ DATA_DIR: '/var/lib/otp' }).storage).toEqual({
        kind: 'pglite',
        dataDir: '/var/lib/otp',
      });
    });
  });

  describe('email transport', () => {
    it.each([
      [{}, 'console'],
      [{ SMTP_HOST: 'smtp.example.com' }, 'smtp'],
      [{ SENDGRID_API_KEY: 'SG.key' }, 'sendgrid'],
      [{ SENDGRID_API_KEY: 'SG.key', SMTP_HOST: 'smtp.example.com' }, 'sendgrid'],
      [{ EMAIL_TRANSPORT: 'console', SMTP_HOST: 'smtp.example.com' }, 'console'],
      [{ EMAIL_TRANSPORT: 'smtp' }, 'smtp'],
    ])('when auto-selecting from %j, then the transport is %s', (env, transport) => {
      expect(loadConfig(env).email.transport).toBe(transport);
    });

    it('when SMTP is configured, then host, port, credentials and sender are carried over', () => {
      const email = loadConfig({
        SMTP_HOST: 'smtp.example.com',
        SMTP_PORT: '2525',
        SMTP_USER: 'mailer',
        SMTP_PASSWORD: 'pw',
        SMTP_SECURE: 'true',
        SMTP_FROM: 'login@example.com',
      }).email;
      expect(email.smtp).toEqual({
        host: 'smtp.example.com',
        port: 2525,
        user: 'mailer',
        password: 'pw',
        secure: true,
        requireTls: true,
      });
      expect(email.from).toBe('login@example.com');
    });
  });
});
