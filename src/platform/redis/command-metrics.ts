import type client from 'prom-client';
import { ErrorReply } from 'redis';

/** The commands this service sends (sessions, limits, ceilings, replay guard, erasure); any other is OTHER. */
export const KNOWN_REDIS_COMMANDS: ReadonlySet<string> = new Set([
  'GET',
  'SET',
  'DEL',
  'MGET',
  'PEXPIRE',
  'EXPIRE',
  'INCR',
  'EVAL',
  'EVALSHA',
  'SCRIPT',
  'PING',
  'SCAN',
]);

export interface CommandMetrics {
  duration: client.Histogram<'command'>;
  errors: client.Counter<'command' | 'kind'>;
}

/** A failure's kind: Redis answered with an error, did not answer in time, or was not reachable. */
function kindOf(err: unknown): string {
  if (err instanceof ErrorReply) return 'reply';
  if ((err as { name?: unknown })?.name === 'RedisUnavailableError') return 'unavailable';
  if (/timed out/.test((err as { message?: string })?.message ?? '')) return 'timeout';
  return 'connection';
}

/**
 * Times a command into `redis_command_duration_seconds{command}` and counts its failures into
 * `redis_command_errors_total{command,kind}`; the command label comes from the allowlist above,
 * never from a key or a value.
 */
export function observeCommand<T>(
  metrics: CommandMetrics | undefined,
  args: string[],
  sent: Promise<T>,
): Promise<T> {
  if (!metrics) return sent;
  const upper = (args[0] ?? '').toUpperCase();
  const command = KNOWN_REDIS_COMMANDS.has(upper) ? upper : 'OTHER';
  const start = performance.now();
  return sent.then(
    (value) => {
      metrics.duration.observe({ command }, (performance.now() - start) / 1000);
      return value;
    },
    (err: unknown) => {
      metrics.duration.observe({ command }, (performance.now() - start) / 1000);
      metrics.errors.inc({ command, kind: kindOf(err) });
      throw err;
    },
  );
}
