import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import type { Logger } from 'winston';
import { buildApiDocument } from './api-document';
import { createAdminModule, type AdminModule } from './modules/admin';
import {
  CodeHasher,
  createAuthModule,
  createCodeMinter,
  type AuthModule,
  type SuppressionCheck,
} from './modules/auth';
import {
  createEmailModule,
  type CertificateFetcher,
  type EmailModule,
  type Mailer,
  type RetryPolicy,
} from './modules/email';
import { createHostedUiModule, type HostedUiModule } from './modules/hosted-ui';
import { createIpRulesModule, type IpRulesModule } from './modules/ip-rules';
import { systemClock, type Clock } from './platform/clock';
import type { Config } from './platform/config/config';
import { createErrorReporter } from './platform/error-tracking';
import { FeatureFlags } from './platform/feature-flags';
import { createMetaRouter, metaGate, type ReadinessCheck } from './platform/http/meta.routes';
import { createHttpPipeline, type HttpPipeline } from './platform/http/pipeline';
import { createLogger } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { deriveKey, hmacHex } from './platform/secrets';
import { createRedisFeatures } from './redis-features';
import { connectError } from './platform/sql/connect-error';
import { createStore } from './store/create-store';
import { instrumentStore } from './store/instrument-store';
import type { Store } from './store/store';

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  store?: Store;
  suppressions?: SuppressionCheck;
  /** Email retry timing (tests shorten it). */
  mailRetry?: Partial<RetryPolicy>;
  /**
   * Gets SNS signing certificates for the SES webhook (default: HTTPS, cached). Called only
   * with a SigningCertURL already checked to be on the topic region's SNS host; tests serve
   * their own certificate here.
   */
  snsCertificateFetcher?: CertificateFetcher;
  /** CAPTCHA siteverify timeout (tests shorten it). */
  captchaTimeoutMs?: number;
  /** The bundled browser library served at /v1/client.js (default dist/client/client.js). */
  clientScriptPath?: string;
}

export interface Modules {
  ipRules: IpRulesModule;
  email: EmailModule;
  auth: AuthModule;
  admin: AdminModule;
  hostedUi: HostedUiModule;
}

/**
 * The platform pieces, the store and the modules. The shortcuts below the modules are their
 * services that main.ts, worker.ts, the bench and the tests reach.
 */
export interface Container {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  featureFlags: FeatureFlags;
  modules: Modules;
  /** The platform's middlewares and the meta routes, mounted by createApp. */
  http: HttpPipeline & { meta: RequestHandler };
  mailer: EmailModule['mailer'];
  queue: EmailModule['queue'];
  suppressions: EmailModule['suppressions'];
  deliveries: EmailModule['deliveries'];
  emailEvents: EmailModule['emailEvents'];
  otp: AuthModule['otp'];
  ipRules: IpRulesModule['service'];
  onUserChanged: AuthModule['onUserChanged'];
  readiness: ReadinessCheck[];
  isShuttingDown(): boolean;
  beginShutdown(): void;
  /** Removes stale codes, failures, expired sessions, old delivery history and old admin audit entries. */
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

/**
 * The platform pieces and the store, then the modules in dependency order (ip-rules, email,
 * auth, admin, hosted-ui), each given exactly what it uses; tests swap pieces through `overrides`.
 */
export async function buildContainer(config: Config, overrides: Overrides = {}): Promise<Container> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const errorReporter = createErrorReporter({ dsn: config.sentryDsn, environment: config.env });
  const secret = resolveSecret(config);
  const logKey = deriveKey(secret, 'log-email-hash');
  const emailHash = (email: string) => hmacHex(logKey, email).slice(0, 16);
  const featureFlags = new FeatureFlags(config.featureFlags, deriveKey(secret, 'feature-flag-buckets'));

  // A failure names the database tried and the driver's reason (platform/sql/connect-error.ts).
  const failedStart = (err: unknown) => Promise.reject(connectError(config.storage, err));
  const store = instrumentStore(overrides.store ?? (await createStore(config).catch(failedStart)), metrics);
  await store.migrate().catch(failedStart);
  // With REDIS_URL: cached sessions, shared limits and the durable queue (docs/redis.md).
  const redis = createRedisFeatures(config, { logger, metrics });
  const limiterStore = redis?.limiterStore;
  const base = { clock, logger, metrics };

  const ipRules = await createIpRulesModule({ ...base, config: config.ipRules, repo: store.ipRules });
  const hasher = new CodeHasher(secret, config.previousSessionSecrets);
  const email = createEmailModule({
    ...base,
    config: config.email,
    worker: config.emailWorker,
    redis,
    store,
    otps: store.otps,
    codes: createCodeMinter(hasher, config.otp.length, config.magicLink.enabled && config.publicUrl),
    emailHash,
    limiterStore,
    ipv6SubnetPrefix: config.rateLimit.ipv6SubnetPrefix,
    mailer: overrides.mailer,
    mailRetry: overrides.mailRetry,
    snsCertificateFetcher: overrides.snsCertificateFetcher,
  });
  const auth = createAuthModule({
    ...base,
    config,
    secret,
    previousSecrets: config.previousSessionSecrets,
    hasher,
    store,
    queue: email.queue,
    suppressions: overrides.suppressions,
    canSignUp: featureFlags.isOn('signups') ? undefined : (e) => featureFlags.isOnFor('signups', e),
    unversionedAliases: featureFlags.isOn('unversioned_aliases'),
    redis,
    emailHash,
    limiterStore,
    captchaTimeoutMs: overrides.captchaTimeoutMs,
    forgetDeliveries: async (address) => {
      await store.emailMessages.deleteForEmail(address);
    },
  });
  const admin = createAdminModule({
    ...base,
    keys: config.adminApiKeys,
    store,
    audit: store.adminAudit,
    ipRules: ipRules.service,
    suppressions: email.suppressions,
    deliveries: email.deliveries,
    onUserChanged: auth.onUserChanged,
    eraseUser: auth.eraseUser,
    emailHash,
  });

  let shuttingDown = false;
  const readiness: ReadinessCheck[] = [
    { name: 'database', check: () => store.ping().then(() => 'ok' as const) },
  ];
  if (redis) readiness.push(redis.readiness);
  const isShuttingDown = () => shuttingDown;
  const meta = createMetaRouter({
    jwks: () => auth.tokens.jwks(),
    metrics,
    metricsToken: config.metricsToken,
    ipv6SubnetPrefix: config.rateLimit.ipv6SubnetPrefix,
    readiness,
    isShuttingDown,
    openapi: () => buildApiDocument({ codeLength: config.otp.length, captcha: !!config.captcha.provider }),
    clientScriptPath: overrides.clientScriptPath,
  });
  const pipeline = createHttpPipeline({
    ...base,
    config,
    guard: ipRules.guard,
    limiterStore,
    reportError: errorReporter.report,
  });

  return {
    ...base,
    config,
    store,
    featureFlags,
    modules: { ipRules, email, auth, admin, hostedUi: createHostedUiModule({ config }) },
    http: { ...pipeline, meta: metaGate(meta) },
    mailer: email.mailer,
    queue: email.queue,
    suppressions: email.suppressions,
    deliveries: email.deliveries,
    emailEvents: email.emailEvents,
    otp: auth.otp,
    ipRules: ipRules.service,
    onUserChanged: auth.onUserChanged,
    readiness,
    isShuttingDown,
    beginShutdown: () => {
      shuttingDown = true;
    },
    async sweep() {
      const now = clock.now();
      await auth.sweep(now);
      // Delivery history is for support questions about recent mail, not an archive of addresses.
      await email.sweep(new Date(now.getTime() - config.email.historyRetentionDays * 86_400_000));
      // The admin audit log is kept for investigations well after the fact (docs/admin.md).
      await admin.sweep(new Date(now.getTime() - config.adminAuditRetentionDays * 86_400_000));
    },
    async close() {
      shuttingDown = true;
      ipRules.close();
      admin.close();
      await email.close();
      auth.close();
      await redis?.close();
      await store.close();
      await errorReporter.flush();
    },
  };
}
