import type { Logger } from 'winston';
import type { Metrics } from './metrics';

/** The global ceilings: codes emailed and wrong codes per clock hour, all instances together. */
export type CeilingName = 'codes_sent' | 'failed_verifies';

const HOUR = 3_600_000;

/** The clock hour `now` falls in (the fixed window every instance agrees on). */
export const hourOf = (now: Date): number => Math.floor(now.getTime() / HOUR);

/** One ceiling's count for a clock hour. Never throws: a count that cannot be shared falls back. */
export interface HourlyCount {
  /** Adds one to the hour of `now`; the hour's count, this one included. */
  add(now: Date): Promise<number>;
  /** The hour of `now`'s count. */
  read(now: Date): Promise<number>;
}

/** This instance's count: the whole truth only when it is the only instance (no Redis). */
export class MemoryHourlyCount implements HourlyCount {
  private hour = -1;
  private count = 0;

  private at(now: Date): void {
    if (hourOf(now) !== this.hour) [this.hour, this.count] = [hourOf(now), 0];
  }

  async add(now: Date): Promise<number> {
    this.at(now);
    return ++this.count;
  }

  async read(now: Date): Promise<number> {
    this.at(now);
    return this.count;
  }
}

/** What a service asks of a ceiling. */
export interface Ceiling {
  /** Counts one unit; true while the hour is within the ceiling (false: do not do it). */
  tryAdd(now: Date): Promise<boolean>;
  /** True once the hour's count has reached the ceiling. */
  isReached(now: Date): Promise<boolean>;
}

/**
 * A global hourly ceiling: past it, the caller still answers as usual but does nothing
 * (no email, no sign-in). Every refusal counts in `otp_global_ceiling_hits_total`, the hour's
 * usage is `otp_global_ceiling_usage`, and the first refusal of an hour logs a warning.
 */
export class GlobalCeiling implements Ceiling {
  private warnedHour = -1;

  constructor(
    private readonly deps: {
      name: CeilingName;
      limit: number;
      count: HourlyCount;
      metrics: Metrics;
      logger: Logger;
    },
  ) {
    deps.metrics.globalCeilingLimit.set({ ceiling: deps.name }, deps.limit);
  }

  async tryAdd(now: Date): Promise<boolean> {
    const used = await this.deps.count.add(now);
    return !this.judge(now, used, used > this.deps.limit);
  }

  async isReached(now: Date): Promise<boolean> {
    const used = await this.deps.count.read(now);
    return this.judge(now, used, used >= this.deps.limit);
  }

  private judge(now: Date, used: number, reached: boolean): boolean {
    const { name, limit, metrics, logger } = this.deps;
    metrics.globalCeilingUsage.set({ ceiling: name }, used);
    if (!reached) return false;
    metrics.globalCeilingHits.inc({ ceiling: name });
    if (this.warnedHour !== hourOf(now)) {
      this.warnedHour = hourOf(now);
      logger.warn('global ceiling reached: refusing until the hour ends', {
        event: 'otp.global_ceiling',
        ceiling: name,
        limit,
        used,
      });
    }
    return true;
  }
}
