import type { RequestHandler } from 'express';
import type { Store as LimiterStore } from 'express-rate-limit';
import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/config';
import { GlobalCeiling, MemoryHourlyCount, type CeilingName } from '../../platform/global-ceiling';
import { createLimiter } from '../../platform/http/rate-limit';
import type { BoundTable } from '../../platform/http/route-table';
import type { Metrics } from '../../platform/metrics';
import { RedisHourlyCount } from '../../platform/redis/hourly-count';
import type { RedisConnection } from '../../platform/redis/redis-client';
import type { MailQueue } from '../email';
import { createAccountController } from './account.controller';
import { AccountService } from './account.service';
import { createAuthController } from './auth.controller';
import type { AuthStore } from './auth.ports';
import { authRouteTable, type AuthHandler } from './auth.routes';
import { authenticate } from './authenticate';
import { captchaCheck } from './captcha';
import type { CodeHasher } from './otp-code';
import { OtpService, type SuppressionCheck } from './otp.service';
import { createMfaController } from './mfa.controller';
import { MfaService } from './mfa.service';
import { createSessionCache } from './session-cache';
import { deviceFingerprint } from './device';
import { NewDeviceService } from './new-device.service';
import { SessionLinks } from './session-link';
import { createSessionLinkController } from './session-link.controller';
import { createMagicLinkController } from './magic-link.controller';
import { issueCookieSession } from './cookie-mode';
import { SecretBox } from './totp';
import { deriveKey } from '../../platform/secrets';
import { parseTestAccounts } from '../../platform/test-accounts';
import { SessionService } from './session.service';
import { TokenService } from './token.service';
import { UserService } from './user.service';

export interface AuthModule {
  tokens: TokenService;
  sessions: SessionService;
  otp: OtpService;
  users: UserService;
  /** Call after committing a change to a user or all their sessions (deletion, revoke-all): drops cached state. */
  onUserChanged(userId: string): Promise<void>;
  /** Erases a user and all that is theirs: rows, codes, delivery history, cache (account.service.ts). */
  eraseUser(userId: string): Promise<boolean>;
  /** The login routes (auth.routes.ts) with their handlers. */
  routes: BoundTable<AuthHandler>;
  /** Removes stale codes, failures and expired sessions. */
  sweep(now: Date): Promise<void>;
  close(): void;
}

export interface AuthModuleDeps {
  config: Pick<
    Config,
    'otp' | 'session' | 'tokens' | 'rateLimit' | 'captcha' | 'publicBaseUrl' | 'magicLink' | 'corsOrigins'
  > & { email: Pick<Config['email'], 'brand'> };
  secret: string;
  /** SESSION_SECRET_PREVIOUS: TOTP secrets sealed under them still open (and are re-sealed). */
  previousSecrets?: string[];
  hasher: CodeHasher;
  store: AuthStore;
  queue: MailQueue;
  /** A check of the suppression list besides the store's own (tests); usually absent. */
  suppressions?: SuppressionCheck;
  /** Whether a NEW address may sign up; absent when sign-ups are open to all. */
  canSignUp?: (email: string) => boolean;
  /** Also serve POST /otp/{request,verify} (the unversioned_aliases flag). */
  unversionedAliases: boolean;
  /** With Redis: sessions and users cached there. */
  redis?: { config: Config['redis']; connection: RedisConnection };
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  emailHash: (email: string) => string;
  limiterStore?: (name: string) => LimiterStore;
  /** How long siteverify may take before the request fails closed (tests shorten it). */
  captchaTimeoutMs?: number;
  /** Forgets an address's delivery history (the email module's store), when a user is erased. */
  forgetDeliveries: (email: string) => Promise<void>;
}

const passThrough: RequestHandler = (_req, _res, next) => next();

export function createAuthModule(deps: AuthModuleDeps): AuthModule {
  const { config, store, clock, logger, metrics } = deps;
  const cache = deps.redis
    ? createSessionCache({
        redis: deps.redis.connection,
        sessions: store.sessions,
        users: store.users,
        clock,
        ttlSeconds: deps.redis.config.cacheTtlSeconds,
        logger,
        registry: metrics.registry,
      })
    : undefined;
  const tokens = new TokenService({ secret: deps.secret, ...config.tokens, clock });
  const deviceKey = deriveKey(deps.secret, 'device-fingerprint');
  const sessions = new SessionService({
    store,
    tokens,
    clock,
    logger,
    metrics,
    fingerprint: (ctx) => deviceFingerprint(deviceKey, ctx),
    policy: {
      idleHours: config.session.idleHours,
      absoluteDays: config.session.absoluteDays,
      refreshGraceSeconds: config.tokens.refreshGraceSeconds,
    },
    sessionReader: cache?.sessions,
    onSessionChanged: cache?.onSessionChanged,
  });
  // Counted in Redis, shared by every instance; without Redis there is one instance (docs/redis.md).
  const ceiling = (name: CeilingName, limit: number) =>
    new GlobalCeiling({
      name,
      limit,
      count: deps.redis
        ? new RedisHourlyCount({ name, redis: deps.redis.connection, logger })
        : new MemoryHourlyCount(),
      metrics,
      logger,
    });
  const newDevices = new NewDeviceService({
    store,
    sessions,
    links: new SessionLinks(deriveKey(deps.secret, 'session-link')),
    queue: deps.queue,
    clock,
    logger,
    baseUrl: config.publicBaseUrl,
  });
  const otp = new OtpService({
    store,
    queue: deps.queue,
    hasher: deps.hasher,
    sessions,
    clock,
    policy: { ...config.otp, ipv6SubnetPrefix: config.rateLimit.ipv6SubnetPrefix },
    logger,
    metrics,
    emailHash: deps.emailHash,
    suppressions: deps.suppressions,
    testAccounts: parseTestAccounts(config.otp.testAccounts, config.otp.length).accounts,
    canSignUp: deps.canSignUp,
    onSignedIn: (user, session, ctx) => newDevices.onSignedIn(user, session, ctx),
    ceilings: {
      codesSent: ceiling('codes_sent', config.otp.maxCodesPerHourGlobal),
      failedVerifies: ceiling('failed_verifies', config.otp.maxFailedPerHourGlobal),
    },
  });
  const users = new UserService(cache?.users ?? store.users);
  const limiter = (name: string, limit: number) =>
    createLimiter({
      name,
      windowMs: 300_000,
      limit,
      ipv6SubnetPrefix: config.rateLimit.ipv6SubnetPrefix,
      metrics,
      store: deps.limiterStore?.(name),
    });
  const cookies = { clock, corsOrigins: config.corsOrigins };
  const auth = createAuthController({ otp, sessions, cookies });
  const { provider, secret, verifyUrl } = config.captcha;
  // The config refuses a provider without a secret; `captcha` is bound only when one is set.
  const captcha =
    provider && secret
      ? captchaCheck({ provider, secret, verifyUrl, logger, timeoutMs: deps.captchaTimeoutMs })
      : passThrough;
  const mfa = new MfaService({
    store,
    sessions,
    hasher: deps.hasher,
    box: new SecretBox(deps.secret, deps.previousSecrets),
    recoveryKey: deriveKey(deps.secret, 'recovery-code'),
    clock,
    policy: { ...config.otp, ipv6SubnetPrefix: config.rateLimit.ipv6SubnetPrefix },
    stepUpMaxAgeSeconds: config.session.stepUpMaxAgeSeconds,
    issuer: config.tokens.issuer,
    logger,
    metrics,
  });
  const accounts = new AccountService({
    store,
    mfa,
    otp,
    queue: deps.queue,
    hasher: deps.hasher,
    policy: { ...config.otp, ipv6SubnetPrefix: config.rateLimit.ipv6SubnetPrefix },
    clock,
    logger,
    metrics,
    forgetCached: async (userId) => cache?.forgetUser(userId),
    onUserChanged: async (userId) => cache?.onUserChanged(userId),
    forgetDeliveries: deps.forgetDeliveries,
  });
  const account = createAccountController({ users, sessions, accounts });
  return {
    tokens,
    sessions,
    otp,
    users,
    onUserChanged: async (userId) => cache?.onUserChanged(userId),
    eraseUser: (userId) => accounts.erase(userId),
    routes: {
      table: authRouteTable({ codeLength: config.otp.length, captcha: Boolean(provider) }),
      bind: {
        ...auth,
        ...account,
        ...createSessionLinkController({ newDevices }),
        linkLimiter: limiter('revoke-link', config.rateLimit.refreshPer5Min),
        ...createMagicLinkController({
          links: otp.links,
          enabled: config.magicLink.enabled,
          productName: config.email.brand.productName,
          redirectUrl: config.magicLink.redirectUrl,
          allowedOrigins: [...config.corsOrigins, new URL(config.publicBaseUrl).origin],
          issueCookies: (res, tokens) => issueCookieSession(res, tokens, cookies),
        }),
        magicLinkLimiter: limiter('magic-link', config.rateLimit.verifyPer5Min),
        ...createMfaController({ mfa, otp, cookies }),
        verifyLimiter: limiter('verify', config.rateLimit.verifyPer5Min),
        refreshLimiter: limiter('refresh', config.rateLimit.refreshPer5Min),
        captcha,
        authenticate: authenticate(sessions),
      },
      aliases: deps.unversionedAliases,
    },
    async sweep(now) {
      const hourAgo = new Date(now.getTime() - 3_600_000);
      await store.otps.deleteStale(hourAgo);
      await store.authFailures.deleteBefore(hourAgo);
      await store.sessions.deleteExpired(new Date(now.getTime() - 86_400_000));
      await store.sessionLinks.deleteExpired(now);
      // A device unused for a year is new again: its next sign-in is told.
      await store.knownDevices.forgetBefore(new Date(now.getTime() - 365 * 86_400_000));
    },
    close: () => cache?.close(),
  };
}
