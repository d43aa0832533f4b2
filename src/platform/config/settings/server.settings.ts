import Joi from 'joi';
import { list, oneOf, text, value } from '../setting';

/** Express "trust proxy": `true`, `false`, a hop count, or the proxies' addresses as given. */
export function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/** The process, HTTP listener and root secret. */
export const serverSettings = {
  NODE_ENV: value(
    'env',
    oneOf('development', 'production', 'test')
      .default('development')
      .description('Runtime mode; production turns on the fail-fast checks'),
  ),
  PORT: value('port', Joi.number().port().default(5000).description('HTTP port')),
  HOST: value('host', Joi.string().default('0.0.0.0').description('Interface to listen on')),
  LOG_LEVEL: value(
    'logLevel',
    oneOf('error', 'warn', 'info', 'http', 'debug')
      .default('info')
      .description('Winston log level (JSON lines on stdout)'),
  ),
  CORS_ORIGIN: list(
    'corsOrigins',
    Joi.string()
      .allow('')
      .default('http://localhost:3000')
      .description('Comma-separated list of browser origins allowed by CORS (never * in production)'),
  ),
  // Both land in `publicUrl` together (config.derived.ts): PUBLIC_URL, else the old name.
  PUBLIC_URL: text(
    null,
    Joi.string()
      .allow('')
      .uri({ scheme: ['http', 'https'] })
      .description(
        "The service's public address as users reach it, the origin of the links in emails. Default http://localhost:$PORT; required in production, https and not localhost",
      ),
  ),
  PUBLIC_BASE_URL: text(
    null,
    Joi.string()
      .allow('')
      .uri({ scheme: ['http', 'https'] })
      .description(
        'Deprecated: the former name of PUBLIC_URL, read only when PUBLIC_URL is unset (with a warning at start); no longer read from the next release',
      ),
  ),
  TRUST_PROXY: value(
    'trustProxy',
    Joi.string()
      .default('false')
      .description(
        'Express "trust proxy": false, a hop count, or a comma-separated list of proxy IPs/CIDRs (true, trusting every hop, is refused in production)',
      ),
    parseTrustProxy,
  ),
  // Both land in `tls` together (config.derived.ts); one without the other is refused.
  TLS_CERT_FILE: text(
    null,
    Joi.string()
      .allow('')
      .description('PEM certificate chain: serve HTTPS directly (else terminate TLS at the proxy)'),
  ),
  TLS_KEY_FILE: text(null, Joi.string().allow('').description('PEM private key for TLS_CERT_FILE')),
  SESSION_SECRET: text(
    'sessionSecret',
    Joi.string()
      .allow('')
      .description(
        'Root secret (>=32 bytes): derives the JWT signing key and the code/refresh HMAC keys. Dev: generated into DATA_DIR',
      ),
  ),
  SESSION_SECRET_PREVIOUS: list(
    'previousSessionSecrets',
    Joi.string()
      .allow('')
      .description('Comma-separated former secrets still accepted when checking codes in flight'),
  ),
};

/** Declared last, as it always was, so the generated docs keep their order. */
export const shutdownSettings = {
  SHUTDOWN_GRACE_MS: value(
    'shutdownGraceMs',
    Joi.number()
      .integer()
      .min(0)
      .default(10_000)
      .description('How long in-flight requests may finish on SIGTERM'),
  ),
};
