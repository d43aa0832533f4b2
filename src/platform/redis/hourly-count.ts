import type { Logger } from 'winston';
import { hourOf, MemoryHourlyCount, type CeilingName, type HourlyCount } from '../global-ceiling';
import type { RedisConnection } from './redis-client';

/** One atomic step: add one, and give a new hour's key its expiry. */
const ADD = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** An hour's key outlives its hour a little, so a late instance's clock still finds it. */
const TTL_SECONDS = '3900';

/**
 * A global ceiling's count in Redis, `ceiling:{name}:{hour}` (a fixed window on the clock
 * hour, shared by every instance). While Redis is not usable it counts in this instance's
 * memory instead, like the rate limiters: never a 500, never switched off.
 */
export class RedisHourlyCount implements HourlyCount {
  private readonly memory = new MemoryHourlyCount();
  private fellBack = false;

  constructor(private readonly deps: { name: CeilingName; redis: RedisConnection; logger: Logger }) {}

  private key(now: Date): string {
    return `${this.deps.redis.keyPrefix}ceiling:${this.deps.name}:${hourOf(now)}`;
  }

  private async shared(
    now: Date,
    command: (key: string) => string[],
    local: () => Promise<number>,
  ): Promise<number> {
    const key = this.key(now);
    try {
      const reply = await this.deps.redis.send<number | string | null>(command(key), key);
      this.fellBack = false;
      return Number(reply ?? 0);
    } catch (err) {
      if (!this.fellBack)
        this.deps.logger.warn('global ceiling counts in per-instance memory: Redis is not usable', {
          event: 'ceiling.fallback',
          ceiling: this.deps.name,
          error: err instanceof Error ? err.message : String(err),
        });
      this.fellBack = true;
      return local();
    }
  }

  add(now: Date): Promise<number> {
    return this.shared(
      now,
      (key) => ['EVAL', ADD, '1', key, TTL_SECONDS],
      () => this.memory.add(now),
    );
  }

  read(now: Date): Promise<number> {
    return this.shared(
      now,
      (key) => ['GET', key],
      () => this.memory.read(now),
    );
  }
}
