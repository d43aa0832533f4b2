import type { Store as LimiterStore } from 'express-rate-limit';
import type { Logger } from 'winston';
import type { Config } from './platform/config/config';
import type { ReadinessCheck } from './platform/http/meta.routes';
import type { Clock } from './platform/clock';
import type { JobResult } from './modules/email/queue/mail-worker';
import type { MailJob, MailQueue } from './modules/email/email.ports';
import type { Store } from './store/store';
import { createSessionCache, type SessionCache } from './modules/auth/session-cache';
import type { Metrics } from './platform/metrics';
import { createBullMailQueue, type BullMailQueue } from './modules/email/queue/bullmq-mail-queue';
import type { RetryPolicy } from './modules/email/queue/memory-mail-queue';
import { createLimiterStoreFactory } from './platform/redis/limiter-store';
import { createRedisConnection, type RedisConnection } from './platform/redis/redis-client';

/** What Redis adds when REDIS_URL (or REDIS_CLUSTER_NODES) is set: see docs/redis.md. */
export interface RedisFeatures {
  connection: RedisConnection;
  cache: SessionCache;
  limiterStore(name: string): LimiterStore;
  queue: BullMailQueue;
  /** `redis: ok | degraded` in /health/ready: losing Redis degrades the service, it never stops it. */
  readiness: ReadinessCheck;
  /** Closes the cache, the limiter stores and the connection (the queue is closed by its owner). */
  close(): Promise<void>;
}

export function createRedisFeatures(
  config: Config,
  deps: {
    store: Store;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    processOtpMail: (job: MailJob, attempt: number) => Promise<JobResult>;
    fallbackQueue: MailQueue;
    mailRetry?: Partial<RetryPolicy>;
  },
): RedisFeatures | undefined {
  const { redis } = config;
  if (!redis.enabled) return undefined;
  const { logger, metrics } = deps;
  const connection = createRedisConnection({
    url: redis.url,
    clusterNodes: redis.clusterNodes,
    keyPrefix: redis.keyPrefix,
    commandTimeoutMs: redis.commandTimeoutMs,
    logger,
    registry: metrics.registry,
  });
  const cache = createSessionCache({
    redis: connection,
    sessions: deps.store.sessions,
    users: deps.store.users,
    clock: deps.clock,
    ttlSeconds: redis.cacheTtlSeconds,
    logger,
    registry: metrics.registry,
  });
  const limiters = createLimiterStoreFactory({ redis: connection, logger, registry: metrics.registry });
  const queue = createBullMailQueue({
    url: redis.url,
    clusterNodes: redis.clusterNodes,
    keyPrefix: redis.keyPrefix,
    commandTimeoutMs: redis.commandTimeoutMs,
    process: deps.processOtpMail,
    fallback: deps.fallbackQueue,
    worker: config.emailWorker,
    retry: deps.mailRetry,
    redisUsable: connection.usable,
    logger,
    metrics,
  });
  if (config.emailWorker.inProcess) queue.startWorker();
  return {
    connection,
    cache,
    limiterStore: limiters.limiterStore,
    queue,
    readiness: { name: 'redis', check: async () => (connection.usable() ? 'ok' : 'degraded') },
    async close() {
      cache.close();
      limiters.close();
      await connection.close();
    },
  };
}
