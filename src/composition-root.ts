import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store as LimiterStore } from 'express-rate-limit';
import type { Logger } from 'winston';
import type { Config } from './platform/config/config';
import { createMailerFromConfig } from './modules/email/transports/mailer-factory';
import { createMailgunWebhook } from './modules/email/webhooks/mailgun.webhook';
import { createSendGridWebhook } from './modules/email/webhooks/sendgrid.webhook';
import { createSesWebhook } from './modules/email/webhooks/ses.webhook';
import { createCertificateFetcher, type CertificateFetcher } from './modules/email/webhooks/sns-certificates';
import { createErrorReporter } from './platform/error-tracking';
import { createLogger } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { createMemoryMailQueue } from './modules/email/queue/memory-mail-queue';
import { createRedisFeatures } from './redis-features';
import { buildOpenApiDocument } from './platform/http/openapi';
import { createPostgresClient } from './platform/sql/postgres-client';
import { createSqlStore } from './store/sql/sql-store';
import type { ReadinessCheck } from './platform/http/meta.routes';
import { TokenService } from './modules/auth/token.service';
import { systemClock, type Clock } from './platform/clock';
import type { WebhookProvider, WebhookVerifier } from './modules/email/webhooks/delivery-event';
import { DeliveryService } from './modules/email/delivery.service';
import { EmailEventService } from './modules/email/webhooks/email-events.service';
import { createOtpMailProcessor } from './modules/email/queue/mail-worker';
import { SuppressionService } from './modules/email/suppression.service';
import { CodeHasher, createCodeMinter } from './modules/auth/otp-code';
import { OtpService, type SuppressionCheck } from './modules/auth/otp.service';
import type { Mailer, MailQueue } from './modules/email/email.ports';
import type { Store } from './store/store';
import { deriveKey, hmacHex } from './platform/secrets';
import { SessionService } from './modules/auth/session.service';
import { UserService } from './modules/auth/user.service';
import { createStatsReader } from './modules/admin/admin-stats';
import { AdminService } from './modules/admin/admin.service';
import { FeatureFlags } from './platform/feature-flags';
import { IpRuleService } from './modules/ip-rules/ip-rules.service';

/** Required in PGlite mode only: a PostgreSQL or MongoDB instance never loads the WASM build. */
/* eslint-disable @typescript-eslint/no-require-imports */
const loadPglite = () =>
  require('./platform/sql/pglite-client') as typeof import('./platform/sql/pglite-client');
/* eslint-enable @typescript-eslint/no-require-imports */

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  store?: Store;
  suppressions?: SuppressionCheck;
  /** Email retry timing (tests shorten it). */
  mailRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /**
   * Gets SNS signing certificates for the SES webhook (default: HTTPS, cached). Called only
   * with a SigningCertURL already checked to be on the topic region's SNS host; tests serve
   * their own certificate here.
   */
  snsCertificateFetcher?: CertificateFetcher;
}

export interface Container {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  mailer: Mailer;
  queue: MailQueue;
  tokens: TokenService;
  sessions: SessionService;
  otp: OtpService;
  users: UserService;
  /** The suppression list (webhooks add to it; the admin API lists, adds and removes). */
  suppressions: SuppressionService;
  /** Per-address delivery history for the admin API. */
  deliveries: DeliveryService;
  emailEvents: EmailEventService;
  /** IP allow/deny rules, held in memory, reloaded on change and periodically. */
  ipRules: IpRuleService;
  featureFlags: FeatureFlags;
  admin: AdminService;
  /** The webhook verifiers whose keys are configured. */
  webhooks: Partial<Record<WebhookProvider, WebhookVerifier>>;
  readiness: ReadinessCheck[];
  openapi: object;
  limiterStore?: (name: string) => LimiterStore;
  /** Call after committing a change to a user or all their sessions (deletion, revoke-all): drops cached state. */
  onUserChanged(userId: string): Promise<void>;
  reportError?: (err: unknown, context: { requestId?: string }) => void;
  isShuttingDown(): boolean;
  beginShutdown(): void;
  /** Removes stale codes, failures and expired sessions. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Outside production a missing SESSION_SECRET is generated once and kept in DATA_DIR (0600),
 * so `npm start` needs no setup and sessions survive a restart. Production refuses instead.
 */
function resolveSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  const file = join(config.dataDir, '.session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

async function createStore(config: Config): Promise<Store> {
  switch (config.storage.kind) {
    case 'postgres':
      return createSqlStore(createPostgresClient(config.storage));
    case 'pglite':
      // PGlite gets its own folder: DATA_DIR also holds the generated development secret.
      return createSqlStore(await loadPglite().createPgliteClient(join(config.storage.dataDir, 'pglite')));
    case 'mongo': {
      // Loaded only when chosen: a SQL deployment never loads mongoose.
      const { createMongoStore } = await import('./store/mongo/mongo-store');
      const { url, poolSize, serverSelectionTimeoutMs, socketTimeoutMs, sessionReadPreference, autoIndex } =
        config.storage;
      return createMongoStore({
        url,
        poolSize,
        serverSelectionTimeoutMs,
        socketTimeoutMs,
        sessionReadPreference,
        autoIndex,
      });
    }
  }
}

function createMailer(config: Config, logger: Logger): Mailer {
  return createMailerFromConfig(config.email, logger);
}

/** A verifier per provider whose webhook key is configured; the others' routes answer 404. */
function createWebhookVerifiers(
  config: Config,
  clock: Clock,
  overrides: Overrides,
): Partial<Record<WebhookProvider, WebhookVerifier>> {
  const { sendgridPublicKey, mailgunSigningKey, sesSnsTopicArn } = config.email.webhooks;
  return {
    sendgrid: sendgridPublicKey ? createSendGridWebhook({ publicKey: sendgridPublicKey, clock }) : undefined,
    mailgun: mailgunSigningKey ? createMailgunWebhook({ signingKey: mailgunSigningKey, clock }) : undefined,
    ses: sesSnsTopicArn
      ? createSesWebhook({
          topicArn: sesSnsTopicArn,
          clock,
          fetchCertificate: createCertificateFetcher(overrides.snsCertificateFetcher),
        })
      : undefined,
  };
}

const EMAIL_HISTORY_DAYS = 30;

/** Wires every collaborator from config; tests swap any of them through `overrides`. */
export async function buildContainer(config: Config, overrides: Overrides = {}): Promise<Container> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const errorReporter = createErrorReporter({ dsn: config.sentryDsn, environment: config.env });
  const secret = resolveSecret(config);
  const logKey = deriveKey(secret, 'log-email-hash');
  const emailHash = (email: string) => hmacHex(logKey, email).slice(0, 16);

  const store = overrides.store ?? (await createStore(config));
  await store.migrate();
  // Loaded before the first request is served, so a denied address is refused from the start.
  const ipRules = new IpRuleService({
    repo: store.ipRules,
    clock,
    logger,
    config: { ...config.ipRules, refreshMs: config.ipRules.refreshSeconds * 1000 },
  });
  await ipRules.reload();
  ipRules.start();
  const featureFlags = new FeatureFlags(config.featureFlags, deriveKey(secret, 'feature-flag-buckets'));
  const mailer = overrides.mailer ?? createMailer(config, logger);
  const hasher = new CodeHasher(secret, config.previousSessionSecrets);
  const tokens = new TokenService({ secret, ...config.tokens, clock });

  const mailRetry = { maxAttempts: config.email.maxAttempts, ...overrides.mailRetry };
  const suppressions = new SuppressionService({
    repo: store.suppressions,
    clock,
    logger,
    metrics,
    emailHash,
  });
  const processOtpMail = createOtpMailProcessor({
    otps: store.otps,
    mailer,
    codes: createCodeMinter(hasher, config.otp.length),
    clock,
    brand: config.email.brand,
    logger,
    metrics,
    emailHash,
    messages: store.emailMessages,
    maxAttempts: mailRetry.maxAttempts,
  });
  const memoryQueue = createMemoryMailQueue({
    process: processOtpMail,
    logger,
    metrics,
    retry: mailRetry,
  });
  // With REDIS_URL: cached sessions, shared limits and the durable queue (docs/redis.md).
  const redis = createRedisFeatures(config, {
    store,
    clock,
    logger,
    metrics,
    processOtpMail,
    fallbackQueue: memoryQueue,
    mailRetry,
  });
  const queue: MailQueue = redis?.queue ?? memoryQueue;

  const sessions = new SessionService({
    store,
    tokens,
    clock,
    logger,
    metrics,
    policy: {
      idleHours: config.session.idleHours,
      absoluteDays: config.session.absoluteDays,
      refreshGraceSeconds: config.tokens.refreshGraceSeconds,
    },
    sessionReader: redis?.cache.sessions,
    onSessionChanged: redis?.cache.onSessionChanged,
  });
  const otp = new OtpService({
    store,
    queue,
    hasher,
    sessions,
    clock,
    policy: config.otp,
    logger,
    metrics,
    emailHash,
    suppressions: overrides.suppressions,
    canSignUp: featureFlags.isOn('signups') ? undefined : (email) => featureFlags.isOnFor('signups', email),
  });
  const deliveries = new DeliveryService({ repos: store });
  const onUserChanged = async (userId: string) => redis?.cache.onUserChanged(userId);
  const admin = new AdminService({
    store,
    ipRules,
    suppressions,
    deliveries,
    onUserChanged,
    stats: createStatsReader({ store, metrics, clock }),
    clock,
    logger,
    metrics,
    emailHash,
  });

  let shuttingDown = false;
  const readiness: ReadinessCheck[] = [
    {
      name: 'database',
      check: async () => {
        await store.ping();
        return 'ok';
      },
    },
  ];
  if (redis) readiness.push(redis.readiness);

  return {
    config,
    clock,
    logger,
    metrics,
    store,
    mailer,
    queue,
    tokens,
    sessions,
    otp,
    users: new UserService(redis?.cache.users ?? store.users),
    limiterStore: redis?.limiterStore,
    onUserChanged,
    suppressions,
    deliveries,
    ipRules,
    featureFlags,
    admin,
    emailEvents: new EmailEventService({ store, clock, logger, metrics, emailHash }),
    webhooks: createWebhookVerifiers(config, clock, overrides),
    readiness,
    openapi: buildOpenApiDocument(),
    reportError: errorReporter.report,
    isShuttingDown: () => shuttingDown,
    beginShutdown: () => {
      shuttingDown = true;
    },
    async sweep() {
      const now = clock.now();
      const hourAgo = new Date(now.getTime() - 3_600_000);
      await store.otps.deleteStale(hourAgo);
      await store.authFailures.deleteBefore(hourAgo);
      await store.sessions.deleteExpired(new Date(now.getTime() - 86_400_000));
      // Delivery history is for support questions about recent mail, not an archive of addresses.
      const historyCutoff = new Date(now.getTime() - EMAIL_HISTORY_DAYS * 86_400_000);
      await store.emailEvents.deleteBefore(historyCutoff);
      await store.emailMessages.deleteBefore(historyCutoff);
    },
    async close() {
      shuttingDown = true;
      ipRules.stop();
      await queue.close();
      await redis?.close();
      await mailer.close?.();
      await store.close();
      await errorReporter.flush();
    },
  };
}
