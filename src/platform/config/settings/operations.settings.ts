import Joi from 'joi';
import { parseFeatureFlags } from '../../feature-flags';
import { parseIpNetwork } from '../../ip-network';
import { list, text, value } from '../setting';

/** Entries in canonical CIDR form (`10.1.2.3/8` → `10.0.0.0/8`); a malformed one is kept for its error. */
const canonicalCidrs = (cidrs: string[]): string[] => cidrs.map((c) => parseIpNetwork(c)?.cidr ?? c);

/** Monitoring, the operators' keys, IP rules and feature flags. */
export const operationsSettings = {
  SENTRY_DSN: text(
    'sentryDsn',
    Joi.string().allow('').description('Error tracking DSN (errors are reported when set)'),
  ),
  METRICS_TOKEN: text(
    'metricsToken',
    Joi.string().allow('').description('Bearer token required by GET /metrics (required in production)'),
  ),
  ADMIN_API_KEYS: list(
    'adminApiKeys',
    Joi.string()
      .allow('')
      .description(
        'Comma-separated admin API keys for X-API-Key: key or sha256:<hex>, then optional ;scopes=read|write and ;cidr=10.0.0.0/8|… (docs/admin.md); production needs 32+ random characters',
      ),
  ),
  ADMIN_AUDIT_RETENTION_DAYS: value(
    'adminAuditRetentionDays',
    Joi.number()
      .integer()
      .min(1)
      .max(3650)
      .default(365)
      .description(
        'Days the admin audit log (GET /v1/admin/audit) keeps an entry before the sweep deletes it',
      ),
  ),
  IP_DENYLIST: list(
    'ipRules.deny',
    Joi.string()
      .allow('')
      .description(
        'Comma-separated IPs/CIDRs refused with 403 on every route but /health (admin rules add more)',
      ),
    canonicalCidrs,
  ),
  IP_ALLOWLIST: list(
    'ipRules.allow',
    Joi.string()
      .allow('')
      .description(
        'Comma-separated IPs/CIDRs; when set (here or by admin rules), only these may call the API',
      ),
    canonicalCidrs,
  ),
  IP_RULES_REFRESH_SECONDS: value(
    'ipRules.refreshSeconds',
    Joi.number()
      .integer()
      .min(1)
      .max(3600)
      .default(30)
      .description('How often each instance reloads the admin IP rules from the database'),
  ),
  FEATURE_FLAGS: text(
    'featureFlags',
    Joi.string()
      .allow('')
      .description(
        'Flags as name=value, comma-separated: signups=0-100 (% of new addresses), unversioned_aliases=on|off',
      ),
    (raw) => parseFeatureFlags(raw).rollout,
  ),
};
