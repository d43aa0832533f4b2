import type { Logger } from 'winston';
import { MailError } from './mail-error';
import type { Mailer } from '../email.ports';

const isTransient = (err: unknown) => !(err instanceof MailError && err.permanent);

/**
 * Sends through `primary`; when it fails transiently (timeout, 429, 5xx, an open circuit),
 * the same message (same idempotency key) goes through `secondary` at once. A permanent
 * failure (an invalid address) is not retried elsewhere: the next provider would refuse it too.
 */
export function createFallbackMailer(primary: Mailer, secondary: Mailer, logger: Logger): Mailer {
  return {
    name: `${primary.name}+${secondary.name}`,
    async send(message) {
      try {
        const result = await primary.send(message);
        return { provider: primary.name, ...result };
      } catch (err) {
        if (!isTransient(err)) throw err;
        logger.warn('email provider failed, using the fallback', {
          event: 'email.fallback',
          primary: primary.name,
          fallback: secondary.name,
          error: err instanceof Error ? err.message : String(err),
        });
        const result = await secondary.send(message);
        return { provider: secondary.name, ...result };
      }
    },
    async close() {
      await Promise.all([primary.close?.(), secondary.close?.()]);
    },
  };
}

export interface CircuitOptions {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one trial send is let through. */
  openMs: number;
  now?: () => number;
}

/**
 * Stops hammering a provider that keeps failing: after `failureThreshold` transient failures
 * in a row, sends fail fast (transient, with Retry-After = the time left) for `openMs`, so the
 * fallback takes over at once and queued retries wait instead of piling on. Then one trial
 * send decides whether it closes again.
 */
export function withCircuitBreaker(inner: Mailer, options: CircuitOptions, logger: Logger): Mailer {
  const now = options.now ?? Date.now;
  let failures = 0;
  let openUntil = 0;
  return {
    name: inner.name,
    async send(message) {
      const t = now();
      if (t < openUntil) {
        throw new MailError(`${inner.name} circuit open`, false, {
          retryAfterMs: openUntil - t,
          errorClass: 'circuit_open',
          provider: inner.name,
        });
      }
      const trial = openUntil !== 0;
      try {
        const result = await inner.send(message);
        failures = 0;
        openUntil = 0;
        return result;
      } catch (err) {
        if (isTransient(err)) {
          failures += 1;
          if (trial || failures >= options.failureThreshold) {
            openUntil = now() + options.openMs;
            failures = 0;
            logger.warn('email provider circuit opened', {
              event: 'email.circuit_open',
              transport: inner.name,
              openMs: options.openMs,
            });
          }
        }
        throw err;
      }
    },
    async close() {
      await inner.close?.();
    },
  };
}
