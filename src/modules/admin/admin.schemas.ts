import Joi from 'joi';
import { normalizeEmail } from '../../platform/email-address';
import { parseIpNetwork } from '../ip-rules';

/**
 * Admin request schemas. Unknown keys are refused everywhere (Joi's default for objects), so
 * no body can set ids, timestamps, roles or hashes (mass assignment), and a query parameter
 * that is not listed (say `?api_key=`) is a 400, never silently read.
 */
const limit = Joi.number().integer().min(1).max(100).default(20);
// A cursor carries the last entry's key: for suppressions the address itself (up to 254
// characters), so up to about 380 characters once encoded.
const cursor = Joi.string()
  .max(512)
  .pattern(/^[A-Za-z0-9_-]+$/)
  .description('nextCursor of the previous page')
  .messages({ 'string.pattern.base': 'is not a cursor this API returned' });

/** Canonicalised like every email the service stores, so the filter finds exactly that user. */
export const adminEmail = Joi.string()
  .max(254)
  .custom((value: string, helpers) => normalizeEmail(value) ?? helpers.error('string.email'))
  .messages({ 'string.email': 'must be a valid email address', 'string.base': 'must be a string' });

export const listUsersQuery = Joi.object({
  limit,
  cursor,
  email: adminEmail.description('Exact match'),
}).oxor('cursor', 'email');

export const pageQuery = Joi.object({ limit, cursor });

export const limitQuery = Joi.object({ limit });

/** The audit list: a page, optionally one action (`admin.user.deleted`, `admin.auth.failed`, …). */
export const auditQuery = Joi.object({
  limit,
  cursor,
  action: Joi.string()
    .max(64)
    .pattern(/^admin(\.[a-z_]+)+$/)
    .description('Only entries of this action, such as admin.user.deleted')
    .messages({ 'string.pattern.base': 'must be an admin action such as admin.user.deleted' }),
});

/** Each `.id()` names the schema's component in the OpenAPI document. */
export const ipRuleBody = Joi.object({
  cidr: Joi.string()
    .max(64)
    .required()
    .example('203.0.113.0/24')
    .example('198.51.100.7')
    .example('2001:db8::/32')
    .custom((value: string, helpers) => parseIpNetwork(value)?.cidr ?? helpers.error('string.cidr'))
    .messages({ 'string.cidr': 'must be an IP address or CIDR such as 203.0.113.0/24' }),
  action: Joi.string().valid('allow', 'deny').required(),
  note: Joi.string()
    .max(200)
    .allow('')
    // eslint-disable-next-line no-control-regex
    .pattern(/^[^\x00-\x1f\x7f]*$/)
    .messages({ 'string.pattern.base': 'must not contain control characters' }),
}).id('IpRuleInput');

/** A manual suppression: the reason is always `manual` and the source `admin`. */
export const suppressionBody = Joi.object({ email: adminEmail.required() });

/** Actions that take no input accept no body, or `{}`. */
export const emptyBody = Joi.object({});
