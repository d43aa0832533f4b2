import Joi from 'joi';

/**
 * The one description of every setting. Each key's `.description()` feeds
 * `.env.example` and the README table (scripts/gen-env-docs.ts), so the three never drift.
 */
export const envSchema = Joi.object({
  NODE_ENV: Joi.string()
    .valid('development', 'production', 'test')
    .default('development')
    .description('Runtime mode; production turns on the fail-fast checks'),
  PORT: Joi.number().port().default(5000).description('HTTP port'),
  HOST: Joi.string().default('0.0.0.0').description('Interface to listen on'),
  LOG_LEVEL: Joi.string()
    .valid('error', 'warn', 'info', 'http', 'debug')
    .default('info')
    .description('Winston log level (JSON lines on stdout)'),
  CORS_ORIGIN: Joi.string()
    .allow('')
    .default('http://localhost:3000')
    .description('Comma-separated list of browser origins allowed by CORS (never * in production)'),
  TRUST_PROXY: Joi.string()
    .default('false')
    .description('Express "trust proxy": false, a hop count, or a comma-separated list of proxy IPs/CIDRs'),
  TLS_CERT_FILE: Joi.string()
    .allow('')
    .description('PEM certificate chain: serve HTTPS directly (else terminate TLS at the proxy)'),
  TLS_KEY_FILE: Joi.string().allow('').description('PEM private key for TLS_CERT_FILE'),
  BODY_LIMIT: Joi.string().default('8kb').description('Largest JSON body accepted (413 beyond it)'),
  SESSION_SECRET: Joi.string()
    .allow('')
    .description(
      'Root secret (>=32 bytes): derives the JWT signing key and the code/refresh HMAC keys. Dev: generated into DATA_DIR',
    ),
  SESSION_SECRET_PREVIOUS: Joi.string()
    .allow('')
    .description('Comma-separated former secrets still accepted when checking codes in flight'),
  DATA_DIR: Joi.string().default('./data').description('Where embedded PostgreSQL (PGlite) keeps its files'),
  DATABASE_URL: Joi.string()
    .allow('')
    .description('External database: mongodb://, mongodb+srv:// or postgres(ql)://'),
  POSTGRESQL_URL: Joi.string()
    .allow('')
    .description('PostgreSQL server URL (takes precedence over DATABASE_URL)'),
  ALLOW_EMBEDDED_DATABASE: Joi.boolean()
    .default(false)
    .description('Allow PGlite in production (single instance only)'),
  DATABASE_POOL_MAX: Joi.number().integer().min(1).max(200).default(10).description('PostgreSQL pool size'),
  DATABASE_STATEMENT_TIMEOUT_MS: Joi.number()
    .integer()
    .min(100)
    .default(5000)
    .description('Per-statement timeout on PostgreSQL; a slow database answers 503, not a hang'),
  DATABASE_PREPARED_STATEMENTS: Joi.boolean()
    .default(true)
    .description(
      'Run PostgreSQL statements with parameters as named prepared statements (planned once per connection); set false behind a transaction-mode pooler that does not track them (PgBouncer before 1.21)',
    ),
  MONGODB_POOL_SIZE: Joi.number()
    .integer()
    .min(1)
    .max(500)
    .default(10)
    .description('MongoDB connection pool size per instance (maxPoolSize)'),
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: Joi.number()
    .integer()
    .min(100)
    .default(5000)
    .description('How long a MongoDB operation waits for a usable server before it fails with 503'),
  MONGODB_SOCKET_TIMEOUT_MS: Joi.number()
    .integer()
    .min(0)
    .default(30_000)
    .description('MongoDB socket inactivity timeout; a stalled server answers 503 (0 = never)'),
  MONGODB_READ_PREFERENCE: Joi.string()
    .valid('primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest')
    .default('primary')
    .description(
      'Where MongoDB session lookups by id read (replicas may lag); locked reads and transactions always use the primary',
    ),
  REDIS_URL: Joi.string().allow('').description('Redis URL for shared cache, limits and the email queue'),
  REDIS_CLUSTER_NODES: Joi.string()
    .allow('')
    .description('Comma-separated redis:// URLs of Redis Cluster seed nodes (instead of REDIS_URL)'),
  REDIS_KEY_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9:_.-]{1,40}$/)
    .default('otp:')
    .description('Prefix of every Redis key (cache, limits, queue), so instances of one service share them'),
  REDIS_COMMAND_TIMEOUT_MS: Joi.number()
    .integer()
    .min(50)
    .max(10_000)
    .default(500)
    .description('A Redis command slower than this counts as an outage: the service falls back and degrades'),
  CACHE_TTL_SECONDS: Joi.number()
    .integer()
    .min(1)
    .max(3600)
    .default(60)
    .description(
      'Life of cached session and user entries in Redis (capped at ACCESS_TOKEN_TTL_SECONDS); bounds staleness if one instance loses Redis alone',
    ),
  EMAIL_WORKER_IN_PROCESS: Joi.boolean()
    .default(true)
    .description('With Redis: run the email worker inside the API (false: run `npm run worker` separately)'),
  EMAIL_WORKER_CONCURRENCY: Joi.number()
    .integer()
    .min(1)
    .max(100)
    .default(5)
    .description('Email jobs one worker sends at once'),
  EMAIL_TRANSPORT: Joi.string()
    .valid('auto', 'console', 'smtp', 'sendgrid', 'ses', 'mailgun')
    .default('auto')
    .description(
      'auto: sendgrid if SENDGRID_API_KEY, ses if AWS_REGION+AWS_ACCESS_KEY_ID, mailgun if MAILGUN_API_KEY, smtp if SMTP_HOST, else console (development only)',
    ),
  EMAIL_FALLBACK_TRANSPORT: Joi.string()
    .valid('', 'smtp', 'sendgrid', 'ses', 'mailgun')
    .default('')
    .description('Second provider, used when the primary fails with a transient error (timeout, 429, 5xx)'),
  EMAIL_MAX_ATTEMPTS: Joi.number()
    .integer()
    .min(1)
    .max(20)
    .default(5)
    .description('Tries per code email (exponential backoff with jitter) before it is marked failed'),
  EMAIL_SEND_TIMEOUT_MS: Joi.number()
    .integer()
    .min(100)
    .max(120_000)
    .default(10_000)
    .description('Timeout of one request to an email provider'),
  SMTP_HOST: Joi.string().allow('').description('SMTP server host'),
  SMTP_PORT: Joi.number().port().default(587).description('SMTP server port'),
  SMTP_USER: Joi.string().allow('').description('SMTP user name'),
  SMTP_PASSWORD: Joi.string().allow('').description('SMTP password'),
  SMTP_SECURE: Joi.boolean()
    .default(false)
    .description('Use implicit TLS (port 465); STARTTLS is used otherwise'),
  SMTP_FROM: Joi.string().default('no-reply@localhost').description('From address of code emails'),
  SENDGRID_API_KEY: Joi.string().allow('').description('SendGrid API key'),
  AWS_REGION: Joi.string().allow('').description('AWS region (SES)'),
  AWS_ACCESS_KEY_ID: Joi.string().allow('').description('AWS access key id (SES)'),
  AWS_SECRET_ACCESS_KEY: Joi.string().allow('').description('AWS secret access key (SES)'),
  SENDGRID_API_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .description('SendGrid API base URL (default https://api.sendgrid.com; set for a proxy or a test stub)'),
  SES_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .description('SES v2 API endpoint (default: the region endpoint; set for a proxy or a test stub)'),
  SES_CONFIGURATION_SET: Joi.string()
    .allow('')
    .description('SES configuration set whose event destination publishes delivery events to SNS'),
  MAILGUN_API_KEY: Joi.string().allow('').description('Mailgun API key'),
  MAILGUN_DOMAIN: Joi.string().allow('').description('Mailgun sending domain (e.g. mg.example.com)'),
  MAILGUN_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .description('Mailgun API base URL (default https://api.mailgun.net; https://api.eu.mailgun.net for EU)'),
  SENDGRID_WEBHOOK_PUBLIC_KEY: Joi.string()
    .allow('')
    .description(
      'Verification key of the SendGrid signed Event Webhook (base64, as SendGrid shows it); enables POST /v1/webhooks/sendgrid',
    ),
  MAILGUN_WEBHOOK_SIGNING_KEY: Joi.string()
    .allow('')
    .description('Mailgun HTTP webhook signing key; enables POST /v1/webhooks/mailgun'),
  SES_SNS_TOPIC_ARN: Joi.string()
    .pattern(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/)
    .allow('')
    .description(
      'The SNS topic that carries SES bounces/complaints; enables POST /v1/webhooks/ses (other topics are refused)',
    ),
  EMAIL_PRODUCT_NAME: Joi.string().default('OTP Login').description('Product name shown in emails'),
  EMAIL_PRIMARY_COLOR: Joi.string().default('#2563eb').description('Brand colour of emails (#rrggbb)'),
  EMAIL_LOGO_URL: Joi.string().allow('').description('https URL of the logo shown in emails'),
  EMAIL_SUPPORT_ADDRESS: Joi.string().allow('').description('Support address shown in emails'),
  SENTRY_DSN: Joi.string().allow('').description('Error tracking DSN (errors are reported when set)'),
  NEW_RELIC_LICENSE_KEY: Joi.string()
    .allow('')
    .description('APM licence key, read by the New Relic agent if installed'),
  METRICS_TOKEN: Joi.string()
    .allow('')
    .description('Bearer token required by GET /metrics (required in production)'),
  ADMIN_API_KEYS: Joi.string()
    .allow('')
    .description('Comma-separated admin API keys (or sha256:<hex> digests) for /v1/admin and X-API-Key'),
  IP_DENYLIST: Joi.string()
    .allow('')
    .description(
      'Comma-separated IPs/CIDRs refused with 403 on every route but /health (admin rules add more)',
    ),
  IP_ALLOWLIST: Joi.string()
    .allow('')
    .description('Comma-separated IPs/CIDRs; when set (here or by admin rules), only these may call the API'),
  IP_RULES_REFRESH_SECONDS: Joi.number()
    .integer()
    .min(1)
    .max(3600)
    .default(30)
    .description('How often each instance reloads the admin IP rules from the database'),
  FEATURE_FLAGS: Joi.string()
    .allow('')
    .description(
      'Flags as name=value, comma-separated: signups=0-100 (% of new addresses), unversioned_aliases=on|off',
    ),
  RATE_LIMIT_WINDOW_MS: Joi.number()
    .integer()
    .min(1000)
    .default(900_000)
    .description('General per-IP window'),
  RATE_LIMIT_MAX_REQUESTS: Joi.number()
    .integer()
    .min(1)
    .default(100)
    .description('Requests per IP per window'),
  VERIFY_RATE_LIMIT_PER_5_MIN: Joi.number()
    .integer()
    .min(1)
    .default(30)
    .description('POST /otp/verify per IP per 5 min'),
  REFRESH_RATE_LIMIT_PER_5_MIN: Joi.number()
    .integer()
    .min(1)
    .default(150)
    .description('POST /auth/refresh per IP per 5 min'),
  OTP_LENGTH: Joi.number().integer().min(6).max(10).default(6).description('Digits in a code'),
  OTP_EXPIRY_MINUTES: Joi.number()
    .integer()
    .min(1)
    .max(10)
    .default(10)
    .description('Minutes a code stays valid'),
  OTP_ACTIVE_CODES: Joi.number()
    .integer()
    .min(1)
    .max(10)
    .default(3)
    .description('Newest codes of an email that stay valid'),
  OTP_MAX_ATTEMPTS: Joi.number()
    .integer()
    .min(1)
    .max(10)
    .default(5)
    .description('Wrong tries that kill a code'),
  OTP_MAX_FAILED_PER_EMAIL_PER_HOUR: Joi.number()
    .integer()
    .min(1)
    .default(10)
    .description('Wrong tries per email per hour, across all its codes'),
  OTP_MAX_FAILED_PER_IP_PER_HOUR: Joi.number()
    .integer()
    .min(1)
    .default(100)
    .description('Wrong tries per IP per hour'),
  OTP_RESEND_COOLDOWN_SECONDS: Joi.number()
    .integer()
    .min(0)
    .default(60)
    .description('Seconds between two codes to one email'),
  OTP_MAX_PER_EMAIL_PER_HOUR: Joi.number()
    .integer()
    .min(1)
    .default(5)
    .description('Codes sent to one email per hour'),
  OTP_MAX_PER_IP_PER_HOUR: Joi.number()
    .integer()
    .min(1)
    .default(60)
    .description('Codes requested by one IP per hour'),
  OTP_MAX_PER_DOMAIN_PER_HOUR: Joi.number()
    .integer()
    .min(1)
    .default(500)
    .description('Codes sent to one recipient domain per hour'),
  SESSION_EXPIRY_HOURS: Joi.number()
    .min(1)
    .default(24)
    .description('Idle lifetime of a session since its last refresh'),
  SESSION_ABSOLUTE_EXPIRY_DAYS: Joi.number()
    .min(1)
    .default(30)
    .description('Hard lifetime of a session since sign-in'),
  ACCESS_TOKEN_TTL_SECONDS: Joi.number()
    .integer()
    .min(60)
    .max(3600)
    .default(900)
    .description('Access token lifetime'),
  REFRESH_REUSE_GRACE_SECONDS: Joi.number()
    .integer()
    .min(0)
    .max(60)
    .default(10)
    .description('Window in which a just-rotated refresh token returns the same successor'),
  JWT_PRIVATE_KEYS: Joi.string()
    .allow('')
    .description(
      'Ed25519 PKCS#8 PEM keys, newest first (first signs, all verify); derived from SESSION_SECRET if unset',
    ),
  JWT_ISSUER: Joi.string().default('otp-login-api').description('iss claim of access tokens'),
  JWT_AUDIENCE: Joi.string().default('otp-login-api').description('aud claim of access tokens'),
  SHUTDOWN_GRACE_MS: Joi.number()
    .integer()
    .min(0)
    .default(10_000)
    .description('How long in-flight requests may finish on SIGTERM'),
}).unknown(true);
