import Joi from 'joi';
import { entries, oneOf, text, value } from '../setting';

/**
 * Where data lives. The database settings land in the `storage` union that the URL selects
 * (config.derived.ts); the Redis ones in `redis`.
 */
export const storageSettings = {
  DATA_DIR: value(
    'dataDir',
    Joi.string().default('./data').description('Where embedded PostgreSQL (PGlite) keeps its files'),
  ),
  DATABASE_URL: text(
    null,
    Joi.string().allow('').description('External database: mongodb://, mongodb+srv:// or postgres(ql)://'),
  ),
  POSTGRESQL_URL: text(
    null,
    Joi.string().allow('').description('PostgreSQL server URL (takes precedence over DATABASE_URL)'),
  ),
  // Read by the production rule only (config.rules.ts).
  ALLOW_EMBEDDED_DATABASE: value(
    null,
    Joi.boolean().default(false).description('Allow PGlite in production (single instance only)'),
  ),
  DATABASE_POOL_MAX: value(
    null,
    Joi.number().integer().min(1).max(200).default(10).description('PostgreSQL pool size'),
  ),
  DATABASE_STATEMENT_TIMEOUT_MS: value(
    null,
    Joi.number()
      .integer()
      .min(100)
      .default(5000)
      .description('Per-statement timeout on PostgreSQL; a slow database answers 503, not a hang'),
  ),
  DATABASE_PREPARED_STATEMENTS: value(
    null,
    Joi.boolean()
      .default(true)
      .description(
        'Run PostgreSQL statements with parameters as named prepared statements (planned once per connection); set false behind a transaction-mode pooler that does not track them (PgBouncer before 1.21)',
      ),
  ),
  MONGODB_POOL_SIZE: value(
    null,
    Joi.number()
      .integer()
      .min(1)
      .max(500)
      .default(10)
      .description('MongoDB connection pool size per instance (maxPoolSize)'),
  ),
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: value(
    null,
    Joi.number()
      .integer()
      .min(100)
      .default(5000)
      .description('How long a MongoDB operation waits for a usable server before it fails with 503'),
  ),
  MONGODB_SOCKET_TIMEOUT_MS: value(
    null,
    Joi.number()
      .integer()
      .min(0)
      .default(30_000)
      .description('MongoDB socket inactivity timeout; a stalled server answers 503 (0 = never)'),
  ),
  MONGODB_READ_PREFERENCE: value(
    null,
    oneOf('primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest')
      .default('primary')
      .description(
        'Where MongoDB session lookups by id read (replicas may lag); locked reads and transactions always use the primary',
      ),
  ),
  // Also `redis.url` (config.derived.ts).
  REDIS_URL: text(
    'redisUrl',
    Joi.string().allow('').description('Redis URL for shared cache, limits and the email queue'),
  ),
  REDIS_CLUSTER_NODES: text(
    'redis.clusterNodes',
    Joi.string()
      .allow('')
      .description('Comma-separated redis:// URLs of Redis Cluster seed nodes (instead of REDIS_URL)'),
    entries,
  ),
  REDIS_KEY_PREFIX: value(
    'redis.keyPrefix',
    Joi.string()
      .pattern(/^[A-Za-z0-9:_.-]{1,40}$/)
      .default('otp:')
      .description(
        'Prefix of every Redis key (cache, limits, queue), so instances of one service share them',
      ),
  ),
  REDIS_COMMAND_TIMEOUT_MS: value(
    'redis.commandTimeoutMs',
    Joi.number()
      .integer()
      .min(50)
      .max(10_000)
      .default(500)
      .description(
        'A Redis command slower than this counts as an outage: the service falls back and degrades',
      ),
  ),
  // Lands in `redis.cacheTtlSeconds`, capped at the access token's life (config.derived.ts).
  CACHE_TTL_SECONDS: value(
    null,
    Joi.number()
      .integer()
      .min(1)
      .max(3600)
      .default(60)
      .description(
        'Life of cached session and user entries in Redis (capped at ACCESS_TOKEN_TTL_SECONDS); bounds staleness if one instance loses Redis alone',
      ),
  ),
  EMAIL_WORKER_IN_PROCESS: value(
    'emailWorker.inProcess',
    Joi.boolean()
      .default(true)
      .description(
        'With Redis: run the email worker inside the API (false: run `npm run worker` separately)',
      ),
  ),
  EMAIL_WORKER_CONCURRENCY: value(
    'emailWorker.concurrency',
    Joi.number().integer().min(1).max(100).default(5).description('Email jobs one worker sends at once'),
  ),
};
