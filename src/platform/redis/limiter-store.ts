import {
  MemoryStore,
  type ClientRateLimitInfo,
  type IncrementResponse,
  type Options,
  type Store,
} from 'express-rate-limit';
import client from 'prom-client';
import { RedisStore } from 'rate-limit-redis';
import type { Logger } from 'winston';
import type { RedisConnection } from './redis-client';

/**
 * An express-rate-limit store shared by every instance through Redis (rate-limit-redis, one
 * atomic Lua increment per hit), falling back to this instance's memory while Redis is not
 * usable. It never throws, so a Redis outage can neither turn requests into 500s nor switch
 * limiting off (`passOnStoreError` is never reached); per-instance counters may let a few
 * extra requests through during an outage (docs/security.md, "Faults": Redis down).
 */
export class FallbackLimiterStore implements Store {
  readonly prefix: string;
  readonly localKeys = false;
  private readonly redisStore: RedisStore;
  private readonly memory = new MemoryStore();
  private fellBack = false;

  constructor(
    private readonly deps: {
      name: string;
      redis: RedisConnection;
      logger: Logger;
      fallbacks: client.Counter<'limiter'>;
    },
  ) {
    const { redis } = deps;
    this.prefix = `${redis.keyPrefix}rl:${deps.name}:`;
    this.redisStore = redis.isCluster
      ? new RedisStore({
          prefix: this.prefix,
          sendCommandCluster: ({ key, command }) => redis.send(command, key) as never,
        })
      : new RedisStore({
          prefix: this.prefix,
          sendCommand: (...args: string[]) => redis.send(args) as never,
        });
    // The store loads its scripts at once; while Redis is down that fails and is retried per hit.
    void this.redisStore.incrementScriptSha.catch(() => undefined);
    void this.redisStore.getScriptSha.catch(() => undefined);
  }

  init(options: Options): void {
    this.redisStore.init(options);
    this.memory.init(options);
  }

  private fallBack(err: unknown): void {
    this.deps.fallbacks.inc({ limiter: this.deps.name });
    if (this.fellBack) return;
    this.fellBack = true;
    this.deps.logger.warn('rate limit falls back to per-instance memory', {
      event: 'ratelimit.fallback',
      limiter: this.deps.name,
      error: err instanceof Error ? err.message : String(err),
    });
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (this.deps.redis.usable()) {
      try {
        const result = await this.redisStore.increment(key);
        this.fellBack = false;
        return result;
      } catch (err) {
        this.fallBack(err);
      }
    } else {
      this.fallBack(new Error('redis unavailable'));
    }
    return this.memory.increment(key);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    if (this.deps.redis.usable()) {
      try {
        return await this.redisStore.get(key);
      } catch {
        // fall through to memory
      }
    }
    return this.memory.get(key);
  }

  async decrement(key: string): Promise<void> {
    await Promise.allSettled([this.redisStore.decrement(key), this.memory.decrement(key)]);
  }

  async resetKey(key: string): Promise<void> {
    await Promise.allSettled([this.redisStore.resetKey(key), this.memory.resetKey(key)]);
  }

  shutdown(): void {
    this.memory.shutdown();
  }
}

/** `limiterStore(name)` for the container: one store per limiter, each with its own key prefix. */
export function createLimiterStoreFactory(deps: {
  redis: RedisConnection;
  logger: Logger;
  registry: client.Registry;
}) {
  const fallbacks = new client.Counter({
    name: 'rate_limit_fallback_total',
    help: 'Rate-limit hits counted in per-instance memory because Redis was not usable',
    labelNames: ['limiter'],
    registers: [deps.registry],
  });
  const stores: FallbackLimiterStore[] = [];
  return {
    limiterStore(name: string): Store {
      const store = new FallbackLimiterStore({ name, redis: deps.redis, logger: deps.logger, fallbacks });
      stores.push(store);
      return store;
    },
    close(): void {
      for (const s of stores) s.shutdown();
    },
  };
}
