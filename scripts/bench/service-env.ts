/** The service's environment for `npm run bench` (scripts/bench.ts): production, every limit out of the way. */
import { randomBytes } from 'node:crypto';

export function serviceEnv(o: {
  port: number;
  secret: string;
  dbUrl: string;
  redisUrl: string;
  prefix: string;
  /** BENCH_TRACING=1: traces exported (every request sampled) to this OTLP/HTTP endpoint. */
  otlpEndpoint?: string;
}): NodeJS.ProcessEnv {
  const { port, secret, dbUrl, redisUrl, prefix } = o;
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    SESSION_SECRET: secret,
    POSTGRESQL_URL: dbUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    // Production refuses the console transport; no mail is sent: the worker runs elsewhere.
    EMAIL_TRANSPORT: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '2',
    EMAIL_WORKER_IN_PROCESS: 'false',
    CORS_ORIGIN: 'https://app.example.com',
    // Required in production; the bench sends no email, so no link is ever followed.
    PUBLIC_URL: 'https://login.example.com',
    METRICS_TOKEN: randomBytes(16).toString('hex'),
    TRUST_PROXY: '1',
    // The production default (info: audit events, no access log); BENCH_LOG_LEVEL=http adds one line per request.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    RATE_LIMIT_MAX_REQUESTS: '1000000000',
    VERIFY_RATE_LIMIT_PER_5_MIN: '1000000000',
    REFRESH_RATE_LIMIT_PER_5_MIN: '1000000000',
    OTP_MAX_PER_IP_PER_HOUR: '1000000000',
    OTP_MAX_PER_DOMAIN_PER_HOUR: '1000000000',
    OTP_MAX_FAILED_PER_IP_PER_HOUR: '1000000000',
    OTP_MAX_FAILED_PER_EMAIL_PER_HOUR: '1000000000',
    // The global ceilings too, so a run measures the sending path, not the refusal past 10,000.
    OTP_MAX_CODES_PER_HOUR_GLOBAL: '1000000000',
    OTP_MAX_FAILED_PER_HOUR_GLOBAL: '1000000000',
    ...(o.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint } : {}),
    ...(process.env.BENCH_POOL ? { DATABASE_POOL_MAX: process.env.BENCH_POOL } : {}),
  };
}
