import client from 'prom-client';

/** A connection pool as it stands: open connections, idle ones, callers waiting, the cap. */
export interface PoolStats {
  size: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * What operators ask of the backends: the database pool and statement latency, Redis command
 * latency, the email pipeline and the sign-in funnel. Every label is a fixed set or a name
 * from the code (a repository method, a command from an allowlist), never input.
 */
export function createBackendMetrics(registry: client.Registry) {
  const registers = [registry];
  let poolSource: (() => PoolStats | undefined) | undefined;
  const poolGauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
    new client.Gauge({
      name,
      help,
      registers,
      collect() {
        const stats = poolSource?.();
        if (stats) this.set(pick(stats));
      },
    });
  poolGauge('db_pool_connections', 'Open database connections in the pool', (s) => s.size);
  poolGauge('db_pool_idle_connections', 'Pool connections open and idle', (s) => s.idle);
  poolGauge('db_pool_waiting_clients', 'Callers waiting for a pool connection', (s) => s.waiting);
  poolGauge('db_pool_max_connections', 'The pool cap (DB_POOL_MAX or MONGODB_POOL_SIZE)', (s) => s.max);
  return {
    /** The store reports its pool here (PostgreSQL, MongoDB); PGlite has none and reports nothing. */
    watchPool(source: () => PoolStats | undefined) {
      poolSource = source;
    },
    dbQueryDuration: new client.Histogram({
      name: 'db_query_duration_seconds',
      help: 'Time of one storage operation, by repository method (e.g. otps.create) or login rule',
      labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    dbErrors: new client.Counter({
      name: 'db_errors_total',
      help: 'Failed storage operations by kind (conflict, connection, timeout, transaction, resources, schema, other)',
      labelNames: ['kind'],
      registers,
    }),
    redisCommandDuration: new client.Histogram({
      name: 'redis_command_duration_seconds',
      help: 'Redis command latency by command (GET, SET, EVAL, … or OTHER)',
      labelNames: ['command'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
      registers,
    }),
    redisCommandErrors: new client.Counter({
      name: 'redis_command_errors_total',
      help: 'Failed Redis commands by command and kind (reply, timeout, unavailable, connection)',
      labelNames: ['command', 'kind'],
      registers,
    }),
    emailDelivery: new client.Histogram({
      name: 'email_delivery_seconds',
      help: 'From the request that queued an email to the provider accepting it, by kind (code, guess_notice, new_device, email_changed)',
      labelNames: ['kind'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    emailAttempts: new client.Histogram({
      name: 'email_send_attempts',
      help: 'Tries an email took, observed once per email when it is sent or given up',
      labelNames: ['outcome'],
      buckets: [1, 2, 3, 4, 5, 8],
      registers,
    }),
    emailQueueWait: new client.Histogram({
      name: 'email_queue_wait_seconds',
      help: "An email job's age when a worker first picks it up",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
    emailProviderErrors: new client.Counter({
      name: 'email_provider_errors_total',
      help: 'Failed provider sends by transport and class (rejected, throttled, auth, server, timeout, network, circuit_open, other)',
      labelNames: ['provider', 'class'],
      registers,
    }),
    otpVerifyDelay: new client.Histogram({
      name: 'otp_request_to_verify_seconds',
      help: 'From a code being requested to its successful verify',
      buckets: [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600],
      registers,
    }),
  };
}
