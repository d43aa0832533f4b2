import { createHash } from 'node:crypto';
import type { Logger } from 'winston';
import type { Clock } from '../../../platform/clock';
import type { RedisConnection } from '../../../platform/redis/redis-client';
import type { WebhookTokenRepository } from '../email.ports';
import type { WebhookProvider } from './delivery-event';

/** Accepts each webhook token once, across every instance of the service. */
export interface ReplayGuard {
  /** True the first time `token` is seen within `ttlSeconds`, on any instance. */
  claim(provider: WebhookProvider, token: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets a claimed token (applying its request failed, so the provider's retry must pass). */
  release(provider: WebhookProvider, token: string): Promise<void>;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Redis `SET NX PX` when Redis is configured and usable (one round trip, expiry by Redis),
 * else a row in the database (`webhook_tokens`, or MongoDB's `webhookTokens`), whose unique
 * key refuses the second claim. Only a hash of the token is stored. While Redis is down the
 * database takes over, so a token claimed in Redis just before an outage could pass once more
 * during it; the event id still applies each event once (docs/email.md, Mailgun).
 */
export function createReplayGuard(deps: {
  tokens: WebhookTokenRepository;
  clock: Clock;
  logger: Logger;
  redis?: RedisConnection;
}): ReplayGuard {
  const { redis, tokens, clock } = deps;
  const redisKey = (provider: string, hash: string) =>
    `${redis?.keyPrefix ?? ''}webhook-token:${provider}:${hash}`;
  let warned = false;
  const fellBack = (err: unknown) => {
    if (warned) return;
    warned = true;
    deps.logger.warn('webhook replay guard falls back to the database', {
      event: 'webhook.replay_guard_fallback',
      error: err instanceof Error ? err.message : String(err),
    });
  };
  return {
    async claim(provider, token, ttlSeconds) {
      const hash = hashOf(token);
      if (redis?.usable()) {
        try {
          const key = redisKey(provider, hash);
          const reply = await redis.send<string | null>(
            ['SET', key, '1', 'NX', 'PX', String(ttlSeconds * 1000)],
            key,
          );
          warned = false;
          return reply === 'OK';
        } catch (err) {
          fellBack(err);
        }
      }
      const now = clock.now();
      return tokens.claim(
        { provider, tokenHash: hash, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) },
        now,
      );
    },
    async release(provider, token) {
      const hash = hashOf(token);
      const key = redisKey(provider, hash);
      await Promise.allSettled([
        redis?.usable() ? redis.send(['DEL', key], key) : Promise.resolve(),
        tokens.release(provider, hash),
      ]);
    },
  };
}
