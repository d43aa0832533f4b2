import type { Store as LimiterStore } from 'express-rate-limit';
import type { Logger } from 'winston';
import type { Config } from './platform/config/config';
import type { ReadinessCheck } from './platform/http/meta.routes';
import type { Metrics } from './platform/metrics';
import type { RedisConnection } from './platform/redis/redis-client';

/* The Redis client costs a third of a second to load: only an instance with Redis loads it. */
/* eslint-disable @typescript-eslint/no-require-imports */
const loadClient = () =>
  require('./platform/redis/redis-client') as typeof import('./platform/redis/redis-client');
const loadLimiters = () =>
  require('./platform/redis/limiter-store') as typeof import('./platform/redis/limiter-store');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * What Redis adds when REDIS_URL (or REDIS_CLUSTER_NODES) is set (docs/redis.md): the shared
 * connection the modules build on (the login module's session cache, the email module's
 * queue) and the shared rate-limit counters.
 */
export interface RedisFeatures {
  config: Config['redis'];
  connection: RedisConnection;
  limiterStore(name: string): LimiterStore;
  /** `redis: ok | degraded` in /health/ready: losing Redis degrades the service, it never stops it. */
  readiness: ReadinessCheck;
  /** Closes the limiter stores and the connection (after the modules using it). */
  close(): Promise<void>;
}

export function createRedisFeatures(
  config: Config,
  deps: { logger: Logger; metrics: Metrics },
): RedisFeatures | undefined {
  const { redis } = config;
  if (!redis.enabled) return undefined;
  const { logger, metrics } = deps;
  const connection = loadClient().createRedisConnection({
    url: redis.url,
    clusterNodes: redis.clusterNodes,
    keyPrefix: redis.keyPrefix,
    commandTimeoutMs: redis.commandTimeoutMs,
    logger,
    registry: metrics.registry,
    commandMetrics: { duration: metrics.redisCommandDuration, errors: metrics.redisCommandErrors },
  });
  const limiters = loadLimiters().createLimiterStoreFactory({
    redis: connection,
    logger,
    registry: metrics.registry,
  });
  return {
    config: redis,
    connection,
    limiterStore: limiters.limiterStore,
    readiness: {
      name: 'redis',
      check: async () => (connection.usable() ? 'ok' : 'degraded'),
      inMemory: true,
    },
    async close() {
      limiters.close();
      await connection.close();
    },
  };
}
