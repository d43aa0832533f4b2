import type { Env } from './config.settings';
import { derived } from './setting';

export type MongoReadPreference = Env['MONGODB_READ_PREFERENCE'];

/** The database the URL selects, with that database's own settings. */
export type StorageConfig =
  | { kind: 'pglite'; dataDir: string }
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      statementTimeoutMs: number;
      preparedStatements: boolean;
    }
  | {
      kind: 'mongo';
      url: string;
      poolSize: number;
      serverSelectionTimeoutMs: number;
      socketTimeoutMs: number;
      /** Where session lookups by id read (MONGODB_READ_PREFERENCE). */
      sessionReadPreference: MongoReadPreference;
      /** Indexes are created at start outside production; production runs `npm run db:indexes`. */
      autoIndex: boolean;
    };

export type EmailTransportKind = Exclude<Env['EMAIL_TRANSPORT'], 'auto'>;
export type ProviderTransportKind = Exclude<EmailTransportKind, 'console'>;

function pickStorage(env: Env): StorageConfig {
  const url = env.POSTGRESQL_URL ?? env.DATABASE_URL;
  if (url && /^mongodb(\+srv)?:\/\//.test(url)) {
    return {
      kind: 'mongo',
      url,
      poolSize: env.MONGODB_POOL_SIZE,
      serverSelectionTimeoutMs: env.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
      socketTimeoutMs: env.MONGODB_SOCKET_TIMEOUT_MS,
      sessionReadPreference: env.MONGODB_READ_PREFERENCE,
      autoIndex: env.NODE_ENV !== 'production',
    };
  }
  if (url) {
    return {
      kind: 'postgres',
      url,
      poolMax: env.DATABASE_POOL_MAX,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    };
  }
  return { kind: 'pglite', dataDir: env.DATA_DIR };
}

function pickTransport(env: Env): EmailTransportKind {
  if (env.EMAIL_TRANSPORT !== 'auto') return env.EMAIL_TRANSPORT;
  if (env.SENDGRID_API_KEY) return 'sendgrid';
  if (env.AWS_REGION && env.AWS_ACCESS_KEY_ID) return 'ses';
  if (env.MAILGUN_API_KEY) return 'mailgun';
  if (env.SMTP_HOST) return 'smtp';
  return 'console';
}

const field = derived<Env>().at;

/** The fields of `Config` that several settings make together. */
export const derivedFields = [
  field('tls', (env) =>
    env.TLS_CERT_FILE && env.TLS_KEY_FILE
      ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE }
      : undefined,
  ),
  field('storage', pickStorage),
  /** PUBLIC_URL, else its deprecated name (retired-settings.ts, RENAMED_SETTINGS), else this port on localhost. */
  field('publicUrl', (env) => env.PUBLIC_URL ?? env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`),
  /** Shared state for running several instances: off when neither URL nor cluster is set. */
  field('redis.enabled', (env) => Boolean(env.REDIS_URL || env.REDIS_CLUSTER_NODES)),
  field('redis.url', (env) => env.REDIS_URL),
  // CACHE_TTL_SECONDS is documented as capped at ACCESS_TOKEN_TTL_SECONDS.
  field('redis.cacheTtlSeconds', (env) => Math.min(env.CACHE_TTL_SECONDS, env.ACCESS_TOKEN_TTL_SECONDS)),
  field('email.transport', pickTransport),
  /** The hosted sign-in page: HOSTED_UI_ENABLED when set, else on everywhere but production. */
  field('hostedUi.enabled', (env) =>
    env.HOSTED_UI_ENABLED ? env.HOSTED_UI_ENABLED === 'true' : env.NODE_ENV !== 'production',
  ),
] as const;
