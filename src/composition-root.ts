import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store as LimiterStore } from 'express-rate-limit';
import type { Logger } from 'winston';
import type { Config } from './config/config';
import { createConsoleMailer } from './infrastructure/mail/console.mailer';
import { createSmtpMailer } from './infrastructure/mail/smtp.mailer';
import { createLogger } from './infrastructure/logger';
import { createMetrics, type Metrics } from './infrastructure/metrics';
import { createMemoryMailQueue } from './infrastructure/queue/memory-mail-queue';
import { buildOpenApiDocument } from './openapi/openapi';
import { createPgliteClient } from './repositories/sql/pglite-client';
import { createPostgresClient } from './repositories/sql/postgres-client';
import { createSqlStore } from './repositories/sql/sql-store';
import type { ReadinessCheck } from './routes/meta.routes';
import { TokenService } from './services/auth/token.service';
import { systemClock, type Clock } from './services/clock';
import { createOtpMailProcessor } from './services/mail/mail-worker';
import { CodeHasher } from './services/otp/otp-code';
import { OtpService, type SuppressionCheck } from './services/otp/otp.service';
import type { Mailer, MailQueue, Store } from './services/ports';
import { deriveKey, hmacHex } from './services/secrets';
import { SessionService } from './services/sessions/session.service';
import { UserService } from './services/users/user.service';

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  store?: Store;
  suppressions?: SuppressionCheck;
  /** Email retry timing (tests shorten it). */
  mailRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
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
  readiness: ReadinessCheck[];
  openapi: object;
  limiterStore?: (name: string) => LimiterStore;
  reportError?: (err: unknown) => void;
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
      return createSqlStore(await createPgliteClient(join(config.storage.dataDir, 'pglite')));
    case 'mongo':
      throw new Error('MongoDB storage is not available in this build yet; use POSTGRESQL_URL');
  }
}

function createMailer(config: Config): Mailer {
  switch (config.email.transport) {
    case 'smtp':
      return createSmtpMailer({ ...config.email.smtp, from: config.email.from });
    case 'console':
      return createConsoleMailer();
    default:
      throw new Error(`email transport ${config.email.transport} is not available in this build`);
  }
}

/** Wires every collaborator from config; tests swap any of them through `overrides`. */
export async function buildContainer(config: Config, overrides: Overrides = {}): Promise<Container> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const secret = resolveSecret(config);
  const logKey = deriveKey(secret, 'log-email-hash');
  const emailHash = (email: string) => hmacHex(logKey, email).slice(0, 16);

  const store = overrides.store ?? (await createStore(config));
  await store.migrate();
  const mailer = overrides.mailer ?? createMailer(config);
  const hasher = new CodeHasher(secret, config.previousSessionSecrets);
  const tokens = new TokenService({ secret, ...config.tokens, clock });

  const processOtpMail = createOtpMailProcessor({
    otps: store.otps,
    mailer,
    hasher,
    clock,
    codeLength: config.otp.length,
    brand: config.email.brand,
    logger,
    metrics,
    emailHash,
  });
  const queue = createMemoryMailQueue({
    process: processOtpMail,
    logger,
    metrics,
    retry: overrides.mailRetry,
  });

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
    users: new UserService(store.users),
    readiness,
    openapi: buildOpenApiDocument(),
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
    },
    async close() {
      shuttingDown = true;
      await queue.close();
      await mailer.close?.();
      await store.close();
    },
  };
}
