import type { OtpPolicy } from '../../modules/auth/otp.service';
import { createPublicKey } from 'node:crypto';
import { adminKeyProblems } from '../../modules/admin/admin-keys';
import { parseFeatureFlags, type FlagRollout } from '../feature-flags';
import { parseIpNetwork } from '../../modules/ip-rules/ip-match';
import { envSchema } from './config.schema';

export type StorageConfig =
  | { kind: 'pglite'; dataDir: string }
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      statementTimeoutMs: number;
      preparedStatements: boolean;
    }
  | {
      kind: 'mongo';
      url: string;
      poolSize: number;
      serverSelectionTimeoutMs: number;
      socketTimeoutMs: number;
      /** Where session lookups by id read (MONGODB_READ_PREFERENCE). */
      sessionReadPreference: MongoReadPreference;
      /** Indexes are created at start outside production; production runs `npm run db:indexes`. */
      autoIndex: boolean;
    };

export type MongoReadPreference =
  'primary' | 'primaryPreferred' | 'secondary' | 'secondaryPreferred' | 'nearest';

export type EmailTransportKind = 'console' | 'smtp' | 'sendgrid' | 'ses' | 'mailgun';
export type ProviderTransportKind = Exclude<EmailTransportKind, 'console'>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: string;
  corsOrigins: string[];
  trustProxy: boolean | number | string;
  bodyLimit: string;
  tls?: { certFile: string; keyFile: string };
  /** Undefined only outside production: the composition root then keeps a generated one in DATA_DIR. */
  sessionSecret?: string;
  previousSessionSecrets: string[];
  dataDir: string;
  storage: StorageConfig;
  redisUrl?: string;
  /** Shared state for running several instances; `enabled` is false when neither URL nor cluster is set. */
  redis: {
    enabled: boolean;
    url?: string;
    clusterNodes: string[];
    keyPrefix: string;
    commandTimeoutMs: number;
    cacheTtlSeconds: number;
  };
  emailWorker: { inProcess: boolean; concurrency: number };
  email: {
    transport: EmailTransportKind;
    from: string;
    smtp: { host: string; port: number; user?: string; password?: string; secure: boolean };
    sendgridApiKey?: string;
    /** Base URL of the SendGrid API (proxies, test stubs). */
    sendgridApiUrl?: string;
    ses: {
      region?: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      endpoint?: string;
      configurationSet?: string;
    };
    mailgun: { apiKey?: string; domain?: string; url?: string };
    fallbackTransport?: ProviderTransportKind;
    maxAttempts: number;
    sendTimeoutMs: number;
    webhooks: { sendgridPublicKey?: string; mailgunSigningKey?: string; sesSnsTopicArn?: string };
    brand: { productName: string; primaryColor: string; logoUrl?: string; supportEmail?: string };
  };
  sentryDsn?: string;
  metricsToken?: string;
  adminApiKeys: string[];
  /** Static IP rules (canonical CIDRs) and how often the admin-managed ones are reloaded. */
  ipRules: { deny: string[]; allow: string[]; refreshSeconds: number };
  featureFlags: FlagRollout;
  rateLimit: { windowMs: number; max: number; verifyPer5Min: number; refreshPer5Min: number };
  /** The code rules, exactly as OtpService takes them. */
  otp: OtpPolicy;
  session: { idleHours: number; absoluteDays: number };
  tokens: {
    accessTtlSeconds: number;
    refreshGraceSeconds: number;
    privateKeysPem: string[];
    issuer: string;
    audience: string;
  };
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const EXAMPLE_SECRETS = new Set([
  'change-me',
  'changeme',
  'your-secret-key',
  '<generate-random-key>',
  'secret',
]);

const optional = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
const list = (v: unknown): string[] =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function parsePemKeys(raw: string | undefined): string[] {
  if (!raw) return [];
  const text = raw.replace(/\\n/g, '\n');
  return text.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g) ?? [];
}

function pickStorage(v: Record<string, unknown>): StorageConfig {
  const pgUrl = optional(v.POSTGRESQL_URL);
  const dbUrl = optional(v.DATABASE_URL);
  const url = pgUrl ?? dbUrl;
  if (url && /^mongodb(\+srv)?:\/\//.test(url)) {
    return {
      kind: 'mongo',
      url,
      poolSize: v.MONGODB_POOL_SIZE as number,
      serverSelectionTimeoutMs: v.MONGODB_SERVER_SELECTION_TIMEOUT_MS as number,
      socketTimeoutMs: v.MONGODB_SOCKET_TIMEOUT_MS as number,
      sessionReadPreference: v.MONGODB_READ_PREFERENCE as MongoReadPreference,
      autoIndex: v.NODE_ENV !== 'production',
    };
  }
  if (url) {
    return {
      kind: 'postgres',
      url,
      poolMax: v.DATABASE_POOL_MAX as number,
      statementTimeoutMs: v.DATABASE_STATEMENT_TIMEOUT_MS as number,
      preparedStatements: v.DATABASE_PREPARED_STATEMENTS as boolean,
    };
  }
  return { kind: 'pglite', dataDir: v.DATA_DIR as string };
}

function pickTransport(v: Record<string, unknown>): EmailTransportKind {
  const chosen = v.EMAIL_TRANSPORT as string;
  if (chosen !== 'auto') return chosen as EmailTransportKind;
  if (optional(v.SENDGRID_API_KEY)) return 'sendgrid';
  if (optional(v.AWS_REGION) && optional(v.AWS_ACCESS_KEY_ID)) return 'ses';
  if (optional(v.MAILGUN_API_KEY)) return 'mailgun';
  if (optional(v.SMTP_HOST)) return 'smtp';
  return 'console';
}

/** What each email provider needs before it can send, and a readable webhook key. */
function emailProblems(email: Config['email']): string[] {
  const problems: string[] = [];
  const needs: Record<ProviderTransportKind, Array<[unknown, string]>> = {
    smtp: [],
    sendgrid: [[email.sendgridApiKey, 'SENDGRID_API_KEY']],
    ses: [[email.ses.region, 'AWS_REGION']],
    mailgun: [
      [email.mailgun.apiKey, 'MAILGUN_API_KEY'],
      [email.mailgun.domain, 'MAILGUN_DOMAIN'],
    ],
  };
  for (const [setting, kind] of [
    ['EMAIL_TRANSPORT', email.transport],
    ['EMAIL_FALLBACK_TRANSPORT', email.fallbackTransport],
  ] as const) {
    if (!kind || kind === 'console') continue;
    for (const [value, name] of needs[kind]) if (!value) problems.push(`${setting}=${kind} needs ${name}`);
  }
  if (email.fallbackTransport && email.fallbackTransport === email.transport)
    problems.push('EMAIL_FALLBACK_TRANSPORT must differ from EMAIL_TRANSPORT');
  if (email.webhooks.sendgridPublicKey) {
    try {
      createPublicKey({
        key: Buffer.from(email.webhooks.sendgridPublicKey, 'base64'),
        format: 'der',
        type: 'spki',
      });
    } catch {
      problems.push(
        'SENDGRID_WEBHOOK_PUBLIC_KEY is not a base64 DER public key (copy it from SendGrid as shown)',
      );
    }
  }
  return problems;
}

/** Collects every production misconfiguration at once, so the operator fixes them in one go. */
function productionProblems(c: Config, v: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const secret = c.sessionSecret;
  if (!secret) problems.push('SESSION_SECRET is required in production');
  else if (Buffer.byteLength(secret) < 32) problems.push('SESSION_SECRET must be at least 32 bytes');
  else if (EXAMPLE_SECRETS.has(secret) || /generate|change.?me/i.test(secret))
    problems.push('SESSION_SECRET is the example value; generate one with crypto.randomBytes(32)');
  if (c.storage.kind === 'pglite' && v.ALLOW_EMBEDDED_DATABASE !== true)
    problems.push('an external database is required in production (POSTGRESQL_URL or DATABASE_URL)');
  if (c.email.transport === 'console') problems.push('the console email transport is for development only');
  if (c.corsOrigins.includes('*')) problems.push('CORS_ORIGIN must list origins, not *');
  if (!c.metricsToken) problems.push('METRICS_TOKEN is required in production');
  else if (c.metricsToken.length < 16 || /change.?me/i.test(c.metricsToken))
    problems.push('METRICS_TOKEN must be at least 16 characters and not a placeholder');
  return problems;
}

/** Validates the environment and returns a frozen, typed configuration. Reads nothing but `env`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { value, error } = envSchema.validate(env, { abortEarly: false, convert: true });
  if (error) throw new ConfigError(error.details.map((d) => d.message));
  const v = value as Record<string, unknown>;
  const flags = parseFeatureFlags(optional(v.FEATURE_FLAGS));
  const config: Config = {
    env: v.NODE_ENV as Config['env'],
    port: v.PORT as number,
    host: v.HOST as string,
    logLevel: v.LOG_LEVEL as string,
    corsOrigins: list(v.CORS_ORIGIN),
    trustProxy: parseTrustProxy(v.TRUST_PROXY as string),
    bodyLimit: v.BODY_LIMIT as string,
    tls:
      optional(v.TLS_CERT_FILE) && optional(v.TLS_KEY_FILE)
        ? { certFile: optional(v.TLS_CERT_FILE) as string, keyFile: optional(v.TLS_KEY_FILE) as string }
        : undefined,
    sessionSecret: optional(v.SESSION_SECRET),
    previousSessionSecrets: list(v.SESSION_SECRET_PREVIOUS),
    dataDir: v.DATA_DIR as string,
    storage: pickStorage(v),
    redisUrl: optional(v.REDIS_URL),
    redis: {
      enabled: Boolean(optional(v.REDIS_URL) || optional(v.REDIS_CLUSTER_NODES)),
      url: optional(v.REDIS_URL),
      clusterNodes: list(v.REDIS_CLUSTER_NODES),
      keyPrefix: v.REDIS_KEY_PREFIX as string,
      commandTimeoutMs: v.REDIS_COMMAND_TIMEOUT_MS as number,
      cacheTtlSeconds: Math.min(v.CACHE_TTL_SECONDS as number, v.ACCESS_TOKEN_TTL_SECONDS as number),
    },
    emailWorker: {
      inProcess: v.EMAIL_WORKER_IN_PROCESS as boolean,
      concurrency: v.EMAIL_WORKER_CONCURRENCY as number,
    },
    email: {
      transport: pickTransport(v),
      from: v.SMTP_FROM as string,
      smtp: {
        host: optional(v.SMTP_HOST) ?? 'localhost',
        port: v.SMTP_PORT as number,
        user: optional(v.SMTP_USER),
        password: optional(v.SMTP_PASSWORD),
        secure: v.SMTP_SECURE as boolean,
      },
      sendgridApiKey: optional(v.SENDGRID_API_KEY),
      sendgridApiUrl: optional(v.SENDGRID_API_URL),
      ses: {
        region: optional(v.AWS_REGION),
        accessKeyId: optional(v.AWS_ACCESS_KEY_ID),
        secretAccessKey: optional(v.AWS_SECRET_ACCESS_KEY),
        endpoint: optional(v.SES_ENDPOINT),
        configurationSet: optional(v.SES_CONFIGURATION_SET),
      },
      mailgun: {
        apiKey: optional(v.MAILGUN_API_KEY),
        domain: optional(v.MAILGUN_DOMAIN),
        url: optional(v.MAILGUN_URL),
      },
      fallbackTransport: optional(v.EMAIL_FALLBACK_TRANSPORT) as ProviderTransportKind | undefined,
      maxAttempts: v.EMAIL_MAX_ATTEMPTS as number,
      sendTimeoutMs: v.EMAIL_SEND_TIMEOUT_MS as number,
      webhooks: {
        sendgridPublicKey: optional(v.SENDGRID_WEBHOOK_PUBLIC_KEY),
        mailgunSigningKey: optional(v.MAILGUN_WEBHOOK_SIGNING_KEY),
        sesSnsTopicArn: optional(v.SES_SNS_TOPIC_ARN),
      },
      brand: {
        productName: v.EMAIL_PRODUCT_NAME as string,
        primaryColor: v.EMAIL_PRIMARY_COLOR as string,
        logoUrl: optional(v.EMAIL_LOGO_URL),
        supportEmail: optional(v.EMAIL_SUPPORT_ADDRESS),
      },
    },
    sentryDsn: optional(v.SENTRY_DSN),
    metricsToken: optional(v.METRICS_TOKEN),
    adminApiKeys: list(v.ADMIN_API_KEYS),
    ipRules: {
      deny: list(v.IP_DENYLIST).map((c) => parseIpNetwork(c)?.cidr ?? c),
      allow: list(v.IP_ALLOWLIST).map((c) => parseIpNetwork(c)?.cidr ?? c),
      refreshSeconds: v.IP_RULES_REFRESH_SECONDS as number,
    },
    featureFlags: flags.rollout,
    rateLimit: {
      windowMs: v.RATE_LIMIT_WINDOW_MS as number,
      max: v.RATE_LIMIT_MAX_REQUESTS as number,
      verifyPer5Min: v.VERIFY_RATE_LIMIT_PER_5_MIN as number,
      refreshPer5Min: v.REFRESH_RATE_LIMIT_PER_5_MIN as number,
    },
    otp: {
      length: v.OTP_LENGTH as number,
      expiryMinutes: v.OTP_EXPIRY_MINUTES as number,
      activeCodes: v.OTP_ACTIVE_CODES as number,
      maxAttempts: v.OTP_MAX_ATTEMPTS as number,
      maxFailedPerEmailPerHour: v.OTP_MAX_FAILED_PER_EMAIL_PER_HOUR as number,
      maxFailedPerIpPerHour: v.OTP_MAX_FAILED_PER_IP_PER_HOUR as number,
      resendCooldownSeconds: v.OTP_RESEND_COOLDOWN_SECONDS as number,
      maxPerEmailPerHour: v.OTP_MAX_PER_EMAIL_PER_HOUR as number,
      maxPerIpPerHour: v.OTP_MAX_PER_IP_PER_HOUR as number,
      maxPerDomainPerHour: v.OTP_MAX_PER_DOMAIN_PER_HOUR as number,
    },
    session: {
      idleHours: v.SESSION_EXPIRY_HOURS as number,
      absoluteDays: v.SESSION_ABSOLUTE_EXPIRY_DAYS as number,
    },
    tokens: {
      accessTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS as number,
      refreshGraceSeconds: v.REFRESH_REUSE_GRACE_SECONDS as number,
      privateKeysPem: parsePemKeys(optional(v.JWT_PRIVATE_KEYS)),
      issuer: v.JWT_ISSUER as string,
      audience: v.JWT_AUDIENCE as string,
    },
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS as number,
  };
  const problems: string[] = [];
  if (config.sessionSecret && Buffer.byteLength(config.sessionSecret) < 32 && config.env !== 'production')
    problems.push('SESSION_SECRET must be at least 32 bytes');
  if (!optional(v.TLS_CERT_FILE) !== !optional(v.TLS_KEY_FILE))
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  if (config.env === 'production') problems.push(...productionProblems(config, v));
  problems.push(...emailProblems(config.email));
  problems.push(...adminKeyProblems(config.adminApiKeys), ...flags.problems);
  for (const [name, entries] of [
    ['IP_DENYLIST', list(v.IP_DENYLIST)],
    ['IP_ALLOWLIST', list(v.IP_ALLOWLIST)],
  ] as const) {
    for (const e of entries)
      if (!parseIpNetwork(e)) problems.push(`${name}: "${e}" is not an IP address or CIDR`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
