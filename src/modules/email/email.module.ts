import type { Store as LimiterStore } from 'express-rate-limit';
import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/config';
import { series } from '../../platform/http/fast-path';
import { createLimiter } from '../../platform/http/rate-limit';
import type { BoundTable } from '../../platform/http/route-table';
import type { Metrics } from '../../platform/metrics';
import type { RedisConnection } from '../../platform/redis/redis-client';
import { DeliveryService } from './delivery.service';
import { EmailEventService } from './webhooks/email-events.service';
import type { CodeMinter, EmailStore, Mailer, MailQueue, PendingCodes } from './email.ports';
import { createOtpMailProcessor } from './queue/mail-worker';
import { createMemoryMailQueue, type RetryPolicy } from './queue/memory-mail-queue';
import { tracedProcessor, tracedQueue } from './queue/traced-queue';
import { SuppressionService } from './suppression.service';
import { createMailerFromConfig } from './transports/mailer-factory';
import { createWebhooksController } from './webhooks/webhooks.controller';
import { webhookBindings, webhookRouteTable, type WebhookHandler } from './webhooks/webhooks.routes';
import { createWebhookVerifiers } from './webhooks/verifiers';
import { createReplayGuard } from './webhooks/replay-guard';
import type { CertificateFetcher } from './webhooks/sns-certificates';

/**
 * Refused webhook requests (bad or missing signature, stale, malformed) one IP may make per
 * minute before it gets 429 without its body being read. A provider's requests verify, so
 * it never spends this; the margin covers its concurrency, since a request counts while in
 * flight (docs/security.md, "Forged webhooks").
 */
export const WEBHOOK_REFUSALS_PER_MINUTE = 100;

/* Redis's clients cost a third of a second to load: only an instance with Redis loads them. */
const loadBullQueue = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./queue/bullmq-mail-queue') as typeof import('./queue/bullmq-mail-queue');

export interface EmailModule {
  mailer: Mailer;
  /** The code-email queue: durable on Redis when configured, else in memory. */
  queue: MailQueue;
  /** The suppression list (webhooks add to it; the admin API lists, adds and removes). */
  suppressions: SuppressionService;
  /** Per-address delivery history for the admin API. */
  deliveries: DeliveryService;
  emailEvents: EmailEventService;
  /** POST /v1/webhooks/{provider}: raw body, their own limiter, before the JSON parser. */
  webhooks: BoundTable<WebhookHandler>;
  /** Drops the email history older than `cutoff` (the sweep). */
  sweep(cutoff: Date): Promise<void>;
  close(): Promise<void>;
}

export interface EmailModuleDeps {
  config: Config['email'];
  worker: Config['emailWorker'];
  /** With Redis: the durable BullMQ queue over its own connections, this one telling its health. */
  redis?: { config: Config['redis']; connection: RedisConnection };
  store: EmailStore;
  /** The login module's code rows and its code minting: the worker mints the code it mails. */
  otps: PendingCodes;
  codes: CodeMinter;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  emailHash: (email: string) => string;
  limiterStore?: (name: string) => LimiterStore;
  /** IPV6_SUBNET_PREFIX: the webhooks' per-IP limit keys IPv6 senders by network. */
  ipv6SubnetPrefix: number;
  /** Overrides (tests): a recording mailer, shorter retries, a local SNS certificate. */
  mailer?: Mailer;
  mailRetry?: Partial<RetryPolicy>;
  snsCertificateFetcher?: CertificateFetcher;
}

export function createEmailModule(deps: EmailModuleDeps): EmailModule {
  const { config, store, clock, logger, metrics, emailHash } = deps;
  const mailer = deps.mailer ?? createMailerFromConfig(config, logger);
  const retry = { maxAttempts: config.maxAttempts, ...deps.mailRetry };
  const processOtpMail = tracedProcessor(
    createOtpMailProcessor({
      otps: deps.otps,
      mailer,
      codes: deps.codes,
      clock,
      brand: config.brand,
      logger,
      metrics,
      emailHash,
      messages: store.emailMessages,
      maxAttempts: retry.maxAttempts,
    }),
  );
  const memoryQueue = createMemoryMailQueue({ process: processOtpMail, logger, metrics, retry });
  let queue: MailQueue = memoryQueue;
  if (deps.redis) {
    const { config: redis, connection } = deps.redis;
    const bull = loadBullQueue().createBullMailQueue({
      url: redis.url,
      clusterNodes: redis.clusterNodes,
      keyPrefix: redis.keyPrefix,
      commandTimeoutMs: redis.commandTimeoutMs,
      process: processOtpMail,
      fallback: memoryQueue,
      worker: deps.worker,
      retry,
      failedRetentionSeconds: deps.config.historyRetentionDays * 86_400,
      redisUsable: connection.usable,
      logger,
      metrics,
    });
    if (deps.worker.inProcess) bull.startWorker();
    queue = bull;
  }
  const suppressions = new SuppressionService({
    repo: store.suppressions,
    clock,
    logger,
    metrics,
    emailHash,
  });
  const emailEvents = new EmailEventService({ store, clock, logger, metrics, emailHash });
  // Providers post in bursts from few IPs: a budget of their own. A forger's requests fail
  // verification, and an IP whose requests keep failing is refused before its body is read.
  const bind = webhookBindings({
    verifiers: createWebhookVerifiers(
      config.webhooks,
      clock,
      createReplayGuard({ tokens: store.webhookTokens, clock, logger, redis: deps.redis?.connection }),
      deps.snsCertificateFetcher,
    ),
    controller: createWebhooksController({ events: emailEvents, logger }),
    limiter: series(
      createLimiter({
        name: 'webhooks',
        windowMs: 60_000,
        limit: 1200,
        ipv6SubnetPrefix: deps.ipv6SubnetPrefix,
        metrics,
        store: deps.limiterStore?.('webhooks'),
      }),
      createLimiter({
        name: 'webhook_refusals',
        windowMs: 60_000,
        limit: WEBHOOK_REFUSALS_PER_MINUTE,
        refusalsOnly: true,
        ipv6SubnetPrefix: deps.ipv6SubnetPrefix,
        metrics,
        store: deps.limiterStore?.('webhook_refusals'),
      }),
    ),
  });
  return {
    mailer,
    queue: tracedQueue(queue),
    suppressions,
    deliveries: new DeliveryService({ repos: store }),
    emailEvents,
    webhooks: { table: webhookRouteTable, bind },
    async sweep(cutoff) {
      await store.emailEvents.deleteBefore(cutoff);
      await store.emailMessages.deleteBefore(cutoff);
      await store.webhookTokens.deleteExpired(clock.now());
    },
    async close() {
      await queue.close();
      await mailer.close?.();
    },
  };
}
