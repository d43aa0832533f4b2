import winston from 'winston';
import { maskEmailsIn } from './email-address';

const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const SECRET_KEYS =
  /^(authorization|cookie|set-cookie|password|token|accesstoken|refreshtoken|csrftoken|otp|otpcode|secret|apikey|x-api-key)$/i;

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskEmailsIn(value.replace(JWT, '[redacted-jwt]'));
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : scrub(v, depth + 1);
  return out;
}

/**
 * Last line of defence: whatever a caller passes, emails are masked, JWTs and secret-named
 * fields are dropped before a line is written. Callers still log hashed emails on purpose.
 */
const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    const clean = SECRET_KEYS.test(key) ? '[redacted]' : scrub(info[key]);
    (info as Record<string, unknown>)[key] = clean;
  }
  return info;
});

/** JSON lines on stdout with UTC timestamps; CR/LF inside values stay escaped in one line. */
export function createLogger(options: { level: string; silent?: boolean; stream?: NodeJS.WritableStream }) {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level: options.level,
    silent: options.silent,
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'otp-login-api' },
    transports: [transport],
  });
}
