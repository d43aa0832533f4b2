import { createPublicKey } from 'node:crypto';
import { parseFeatureFlags } from '../feature-flags';
import { parseIpNetwork } from '../ip-network';
import type { ProviderTransportKind } from './config.derived';
import type { Config } from './config.schema';
import type { Env } from './config.settings';
import { adminKeys, smtpTls, testAccounts, trustProxy } from './operator.rules';

/**
 * A rule over several settings: every problem it finds, worded for the operator. The schema
 * runs every rule once each setting is valid on its own, and reports all their problems in one
 * error, so a deployment is fixed in one go.
 */
export type CrossFieldRule = (config: Config, env: Env) => string[];

const EXAMPLE_SECRETS = new Set([
  'change-me',
  'changeme',
  'your-secret-key',
  '<generate-random-key>',
  'secret',
]);

const secretLength: CrossFieldRule = (c) =>
  c.sessionSecret && Buffer.byteLength(c.sessionSecret) < 32 && c.env !== 'production'
    ? ['SESSION_SECRET must be at least 32 bytes']
    : [];

const tlsPair: CrossFieldRule = (_c, env) =>
  !env.TLS_CERT_FILE !== !env.TLS_KEY_FILE ? ['TLS_CERT_FILE and TLS_KEY_FILE must be set together'] : [];

/** What production insists on; outside production it asks nothing. */
const production: CrossFieldRule = (c, env) => {
  if (c.env !== 'production') return [];
  const problems: string[] = [];
  const secret = c.sessionSecret;
  if (!secret) problems.push('SESSION_SECRET is required in production');
  else if (Buffer.byteLength(secret) < 32) problems.push('SESSION_SECRET must be at least 32 bytes');
  else if (EXAMPLE_SECRETS.has(secret) || /generate|change.?me/i.test(secret))
    problems.push('SESSION_SECRET is the example value; generate one with crypto.randomBytes(32)');
  if (c.storage.kind === 'pglite' && !env.ALLOW_EMBEDDED_DATABASE)
    problems.push('an external database is required in production (POSTGRESQL_URL or DATABASE_URL)');
  if (c.email.transport === 'console') problems.push('the console email transport is for development only');
  if (c.corsOrigins.includes('*')) problems.push('CORS_ORIGIN must list origins, not *');
  if (!c.metricsToken) problems.push('METRICS_TOKEN is required in production');
  else if (c.metricsToken.length < 16 || /change.?me/i.test(c.metricsToken))
    problems.push('METRICS_TOKEN must be at least 16 characters and not a placeholder');
  return problems;
};

/** What each email provider needs before it can send, and a readable webhook key. */
const emailProviders: CrossFieldRule = ({ email }) => {
  const problems: string[] = [];
  const needs: Record<ProviderTransportKind, Array<[unknown, string]>> = {
    smtp: [],
    sendgrid: [[email.sendgridApiKey, 'SENDGRID_API_KEY']],
    ses: [[email.ses.region, 'AWS_REGION']],
    mailgun: [
      [email.mailgun.apiKey, 'MAILGUN_API_KEY'],
      [email.mailgun.domain, 'MAILGUN_DOMAIN'],
    ],
  };
  for (const [setting, kind] of [
    ['EMAIL_TRANSPORT', email.transport],
    ['EMAIL_FALLBACK_TRANSPORT', email.fallbackTransport],
  ] as const) {
    if (!kind || kind === 'console') continue;
    for (const [value, name] of needs[kind]) if (!value) problems.push(`${setting}=${kind} needs ${name}`);
  }
  if (email.fallbackTransport && email.fallbackTransport === email.transport)
    problems.push('EMAIL_FALLBACK_TRANSPORT must differ from EMAIL_TRANSPORT');
  const key = email.webhooks.sendgridPublicKey;
  if (key) {
    try {
      createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
    } catch {
      problems.push(
        'SENDGRID_WEBHOOK_PUBLIC_KEY is not a base64 DER public key (copy it from SendGrid as shown)',
      );
    }
  }
  return problems;
};

/** Unknown flags, repeats and bad values fail at boot instead of silently keeping the default. */
const featureFlags: CrossFieldRule = (_c, env) => parseFeatureFlags(env.FEATURE_FLAGS).problems;

const ipLists: CrossFieldRule = (_c, env) =>
  (
    [
      ['IP_DENYLIST', env.IP_DENYLIST],
      ['IP_ALLOWLIST', env.IP_ALLOWLIST],
    ] as const
  ).flatMap(([name, cidrs]) =>
    cidrs.filter((e) => !parseIpNetwork(e)).map((e) => `${name}: "${e}" is not an IP address or CIDR`),
  );

const DATABASE_SCHEMES = ['postgres:', 'postgresql:', 'mongodb:', 'mongodb+srv:'];

/** A URL of another database (mysql://) or no URL at all is refused; a problem never echoes the URL. */
const databaseUrls: CrossFieldRule = (_c, env) =>
  (
    [
      ['POSTGRESQL_URL', env.POSTGRESQL_URL],
      ['DATABASE_URL', env.DATABASE_URL],
    ] as const
  ).flatMap(([name, url]) => {
    if (!url) return [];
    const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase();
    if (!scheme || !URL.canParse(url)) return [`${name} is not a URL (expected scheme://host/database)`];
    if (DATABASE_SCHEMES.includes(scheme)) return [];
    const supported = DATABASE_SCHEMES.map((s) => `${s}//`).join(', ');
    return [`${name}: ${scheme}// is not supported; use one of ${supported}`];
  });

/**
 * A CAPTCHA cannot be checked without the provider's secret, in any environment; in production
 * the secret travels only over HTTPS.
 */
const captcha: CrossFieldRule = ({ captcha: k, env }) => [
  ...(k.provider && !k.secret ? [`CAPTCHA_PROVIDER=${k.provider} needs CAPTCHA_SECRET`] : []),
  ...(env === 'production' && k.verifyUrl?.startsWith('http:')
    ? ['CAPTCHA_VERIFY_URL must be https in production (it carries CAPTCHA_SECRET)']
    : []),
];

/**
 * The sign-in link's landing page gets the browser straight after sign-in: in production it
 * must be https and one of the app origins CORS_ORIGIN allows (no open redirect to elsewhere).
 */
const magicLinkRedirect: CrossFieldRule = ({ env, magicLink, corsOrigins }) => {
  const url = magicLink.redirectUrl;
  if (!url || env !== 'production') return [];
  const { protocol, origin } = new URL(url);
  return [
    ...(protocol === 'https:' ? [] : ['MAGIC_LINK_REDIRECT_URL must be https in production']),
    ...(corsOrigins.includes(origin)
      ? []
      : [`MAGIC_LINK_REDIRECT_URL: its origin ${origin} must be listed in CORS_ORIGIN`]),
  ];
};

/** In the order their problems are listed. */
export const crossFieldRules: readonly CrossFieldRule[] = [
  secretLength,
  tlsPair,
  databaseUrls,
  production,
  trustProxy,
  smtpTls,
  emailProviders,
  adminKeys,
  featureFlags,
  ipLists,
  captcha,
  testAccounts,
  magicLinkRedirect,
];
