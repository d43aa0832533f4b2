import Joi from 'joi';
import { list, text, value } from '../setting';

const count = (min: number, fallback: number, description: string) =>
  Joi.number().integer().min(min).default(fallback).description(description);

/** PKCS#8 PEM blocks in order; a one-line environment may carry `\n` literally. */
export function parsePemKeys(raw: string | undefined): string[] {
  if (!raw) return [];
  const text = raw.replace(/\\n/g, '\n');
  return text.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g) ?? [];
}

/** Request limits, the code rules, session lifetimes and access tokens. */
export const authSettings = {
  RATE_LIMIT_WINDOW_MS: value('rateLimit.windowMs', count(1000, 900_000, 'General per-IP window')),
  RATE_LIMIT_MAX_REQUESTS: value('rateLimit.max', count(1, 100, 'Requests per IP per window')),
  VERIFY_RATE_LIMIT_PER_5_MIN: value(
    'rateLimit.verifyPer5Min',
    count(1, 30, 'POST /otp/verify per IP per 5 min'),
  ),
  REFRESH_RATE_LIMIT_PER_5_MIN: value(
    'rateLimit.refreshPer5Min',
    count(1, 150, 'POST /auth/refresh per IP per 5 min'),
  ),
  IPV6_SUBNET_PREFIX: value(
    'rateLimit.ipv6SubnetPrefix',
    count(
      32,
      64,
      'IPv6 clients share every per-IP limit and budget by network: its prefix length, 32-128',
    ).max(128),
  ),
  OTP_LENGTH: value('otp.length', count(6, 6, 'Digits in a code').max(10)),
  OTP_EXPIRY_MINUTES: value('otp.expiryMinutes', count(1, 10, 'Minutes a code stays valid').max(10)),
  OTP_ACTIVE_CODES: value('otp.activeCodes', count(1, 3, 'Newest codes of an email that stay valid').max(10)),
  OTP_MAX_ATTEMPTS: value('otp.maxAttempts', count(1, 5, 'Wrong tries that kill a code').max(10)),
  OTP_MAX_FAILED_PER_EMAIL_PER_HOUR: value(
    'otp.maxFailedPerEmailPerHour',
    count(
      1,
      10,
      'Wrong tries per email per hour at its live codes; with none live, a try counts for the IP only',
    ),
  ),
  OTP_MAX_FAILED_PER_IP_PER_HOUR: value(
    'otp.maxFailedPerIpPerHour',
    count(1, 100, 'Wrong tries per IP per hour'),
  ),
  OTP_RESEND_COOLDOWN_SECONDS: value(
    'otp.resendCooldownSeconds',
    count(0, 60, 'Seconds between two codes to one email'),
  ),
  OTP_MAX_PER_EMAIL_PER_HOUR: value(
    'otp.maxPerEmailPerHour',
    count(1, 5, 'Codes sent to one email per hour'),
  ),
  OTP_MAX_PER_IP_PER_HOUR: value('otp.maxPerIpPerHour', count(1, 60, 'Codes requested by one IP per hour')),
  OTP_MAX_PER_DOMAIN_PER_HOUR: value(
    'otp.maxPerDomainPerHour',
    count(
      1,
      500,
      'Codes sent to one recipient domain per hour; past it only addresses with an account get one',
    ),
  ),
  OTP_MAX_CODES_PER_HOUR_GLOBAL: value(
    'otp.maxCodesPerHourGlobal',
    count(1, 10_000, 'Code emails per clock hour, all instances together; beyond it none is sent'),
  ),
  OTP_MAX_FAILED_PER_HOUR_GLOBAL: value(
    'otp.maxFailedPerHourGlobal',
    count(
      1,
      50_000,
      'Wrong guesses at live codes per clock hour, all instances together; beyond it no code is accepted',
    ),
  ),
  OTP_TEST_ACCOUNTS: list(
    'otp.testAccounts',
    Joi.string()
      .allow('')
      .description(
        "Test mode for an app's end-to-end tests: email:code pairs, comma-separated (alice@example.test:424242); those addresses take their fixed code and get no email; refused in production",
      ),
  ),
  OTP_MAGIC_LINK: value(
    'magicLink.enabled',
    Joi.boolean()
      .default(true)
      .description(
        'Code emails also carry a single-use sign-in link bound to the code (opening it shows a confirmation page; its button signs that browser in)',
      ),
  ),
  MAGIC_LINK_REDIRECT_URL: text(
    'magicLink.redirectUrl',
    Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .allow('')
      .description(
        "Where a signed-in link lands (303); production: https, its origin listed in CORS_ORIGIN. Unset: the service's own page /",
      ),
  ),
  SESSION_EXPIRY_HOURS: value(
    'session.idleHours',
    Joi.number().min(1).default(24).description('Idle lifetime of a session since its last refresh'),
  ),
  SESSION_ABSOLUTE_EXPIRY_DAYS: value(
    'session.absoluteDays',
    Joi.number().min(1).default(30).description('Hard lifetime of a session since sign-in'),
  ),
  STEP_UP_MAX_AGE_SECONDS: value(
    'session.stepUpMaxAgeSeconds',
    count(
      30,
      300,
      'How recent a second factor (or, without TOTP, an email code) must be for a sensitive operation',
    ).max(3600),
  ),
  ACCESS_TOKEN_TTL_SECONDS: value(
    'tokens.accessTtlSeconds',
    count(60, 900, 'Access token lifetime').max(3600),
  ),
  REFRESH_REUSE_GRACE_SECONDS: value(
    'tokens.refreshGraceSeconds',
    count(0, 10, 'Window in which a just-rotated refresh token returns the same successor').max(60),
  ),
  JWT_PRIVATE_KEYS: text(
    'tokens.privateKeysPem',
    Joi.string()
      .allow('')
      .description(
        'Ed25519 PKCS#8 PEM keys, newest first (first signs, all verify); derived from SESSION_SECRET if unset',
      ),
    parsePemKeys,
  ),
  JWT_ISSUER: value(
    'tokens.issuer',
    Joi.string().default('otp-login-api').description('iss claim of access tokens'),
  ),
  JWT_AUDIENCE: value(
    'tokens.audience',
    Joi.string().default('otp-login-api').description('aud claim of access tokens'),
  ),
};
