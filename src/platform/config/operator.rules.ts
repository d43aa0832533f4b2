import { parseAdminKeyEntry, weakKeyReason } from '../admin-key-entries';
import { parseIpNetwork } from '../ip-network';
import { parseTestAccounts } from '../test-accounts';
import type { CrossFieldRule } from './config.rules';

/*
 * The operator mistakes an attacker uses (docs/security.md): settings that are fine on a
 * laptop and a gift in production. Each problem names its setting and never echoes a secret.
 */

/**
 * Each ADMIN_API_KEYS entry is well formed everywhere; in production a plain key must also be
 * long and random enough (no placeholder from an example file, no `aaaa…`).
 */
export const adminKeys: CrossFieldRule = (c) =>
  c.adminApiKeys.flatMap((raw, i) => {
    const parsed = parseAdminKeyEntry(raw);
    if ('problems' in parsed) return parsed.problems.map((p) => `ADMIN_API_KEYS entry ${i + 1}: ${p}`);
    const reason = c.env === 'production' && parsed.entry.key ? weakKeyReason(parsed.entry.key) : undefined;
    return reason
      ? [
          `ADMIN_API_KEYS entry ${i + 1} ${reason}: production needs 32+ random characters, e.g. ` +
            `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))", or its sha256: digest`,
        ]
      : [];
  });

/** Mail without TLS hands the SMTP password and every code to whoever sits on the path. */
export const smtpTls: CrossFieldRule = (c) =>
  c.env === 'production' && !c.email.smtp.requireTls
    ? [
        'SMTP_REQUIRE_TLS=false is refused in production: without TLS the SMTP password and every code travel in clear; use STARTTLS (port 587) or SMTP_SECURE=true (port 465)',
      ]
    : [];

const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `true` trusts every hop: any client picks its own address with X-Forwarded-For. A list must
 * hold addresses, CIDRs or Express's named ranges; anything else (`yes`, `TRUE`) would only
 * fail later, inside Express, with no setting named.
 */
export const trustProxy: CrossFieldRule = (c) => {
  const value = c.trustProxy;
  if (value === true && c.env === 'production')
    return [
      'TRUST_PROXY=true is refused in production: it trusts every X-Forwarded-For hop, so any client can choose its IP; set the number of proxies (e.g. 1) or their addresses (e.g. 10.0.0.0/8)',
    ];
  if (typeof value !== 'string') return [];
  const bad = value
    .split(',')
    .map((e) => e.trim())
    .find((e) => !PROXY_RANGES.has(e) && !parseIpNetwork(e));
  return bad === undefined
    ? []
    : [
        `TRUST_PROXY: "${bad.slice(0, 64)}" is not a hop count, an IP address or CIDR, or loopback/linklocal/uniquelocal`,
      ];
};

/**
 * Fixed codes are for an app's end-to-end tests: in production anyone who learns one (from a
 * test suite, a CI log) signs in as that address, so production refuses the setting outright.
 */
export const testAccounts: CrossFieldRule = ({ env, otp }) => {
  if (otp.testAccounts.length === 0) return [];
  if (env === 'production')
    return [
      'OTP_TEST_ACCOUNTS is refused in production: its addresses sign in with fixed codes; unset it (it is for end-to-end tests of your app)',
    ];
  return parseTestAccounts(otp.testAccounts, otp.length).problems;
};
