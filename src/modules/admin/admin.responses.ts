import Joi from 'joi';
import { userResponse } from '../auth';

/**
 * The admin API's response bodies, for the OpenAPI document (each `.id()` a component);
 * admin.controller.ts builds them, and the component tests hold every answer to the document.
 */
const dateTime = Joi.date().iso();
const count = Joi.number().integer().min(0);
/** Counters by label: any key, a number each. */
const counts = Joi.object().pattern(/.*/, Joi.number());
const nextCursor = Joi.string().allow(null).required();

export const userPageResponse = Joi.object({
  data: Joi.array().items(userResponse).required(),
  nextCursor,
}).id('UserPage');

/** A user's second factor as an administrator sees it: state and times, never the secret or a hash. */
export const adminFactorsResponse = Joi.object({
  totp: Joi.object({
    status: Joi.string()
      .valid('pending', 'active')
      .required()
      .description('pending: enrolled, not yet confirmed with a first code'),
    createdAt: dateTime.required(),
    confirmedAt: dateTime.allow(null).required(),
    lastUsedAt: dateTime
      .allow(null)
      .required()
      .description('Start of the 30-second step of the last code accepted'),
  })
    .allow(null)
    .required()
    .description('null: no TOTP factor'),
  recoveryCodes: Joi.object({
    remaining: count.required().description('Recovery codes not used yet'),
  }).required(),
}).id('AdminUserFactors');

export const adminUserDetailResponse = Joi.object({
  user: userResponse.required(),
  activeSessions: count.required(),
  factors: adminFactorsResponse.required(),
}).id('AdminUserDetail');

export const revokedSessionsResponse = Joi.object({ revokedSessions: count.required() }).id(
  'RevokedSessions',
);

export const adminStatsResponse = Joi.object({
  users: Joi.number().integer().required(),
  activeSessions: Joi.number().integer().required(),
  usage: Joi.object({
    since: dateTime.required(),
    otpRequests: Joi.object({ total: Joi.number().required(), byOutcome: counts.required() })
      .unknown()
      .required(),
    verifications: Joi.object({
      success: Joi.number().required(),
      failure: Joi.number().required(),
      byResult: counts.required(),
    })
      .unknown()
      .required(),
    sessionsCreated: Joi.number().required(),
    refreshes: counts.required(),
    emails: counts.required(),
  }).required(),
}).id('AdminStats');

const action = Joi.string().valid('allow', 'deny').required();

export const ipRuleResponse = Joi.object({
  id: Joi.string().guid().required(),
  cidr: Joi.string().required(),
  action,
  note: Joi.string().allow(null).required(),
  createdAt: dateTime.required(),
}).id('IpRule');

export const ipRuleListResponse = Joi.object({
  data: Joi.array().items(ipRuleResponse).required(),
  config: Joi.object({
    deny: Joi.array().items(Joi.string()).required(),
    allow: Joi.array().items(Joi.string()).required(),
  }).required(),
}).id('IpRuleList');

export const suppressionResponse = Joi.object({
  email: Joi.string().required(),
  reason: Joi.string().valid('bounce', 'dropped', 'spamreport', 'complaint', 'manual').required(),
  source: Joi.string().required(),
  createdAt: dateTime.required(),
}).id('Suppression');

export const suppressionPageResponse = Joi.object({
  data: Joi.array().items(suppressionResponse).required(),
  nextCursor,
}).id('SuppressionPage');

export const auditEntryResponse = Joi.object({
  id: Joi.string().guid().required(),
  at: dateTime.required(),
  keyId: Joi.string()
    .allow(null)
    .required()
    .description("The key's id: the first 8 hex digits of its SHA-256"),
  action: Joi.string().required(),
  target: Joi.string()
    .allow(null)
    .required()
    .description('A user id, an IP rule id or an email hash; never an address'),
  requestId: Joi.string().allow(null).required(),
  outcome: Joi.string()
    .valid('success', 'unchanged', 'not_found', 'failed', 'refused', 'unauthorized')
    .required(),
  details: Joi.object().unknown().required(),
}).id('AdminAuditEntry');

export const auditPageResponse = Joi.object({
  data: Joi.array().items(auditEntryResponse).required(),
  nextCursor,
}).id('AdminAuditPage');

const deliveryEvent = Joi.object({
  provider: Joi.string().required(),
  type: Joi.string().required(),
  occurredAt: dateTime.required(),
});

export const deliveryReportResponse = Joi.object({
  email: Joi.string().required(),
  suppression: Joi.alternatives().try(suppressionResponse, Joi.valid(null)).required(),
  messages: Joi.array()
    .items(
      Joi.object({
        id: Joi.string().guid().required(),
        provider: Joi.string().required(),
        providerMessageId: Joi.string().allow(null).required(),
        status: Joi.string().required(),
        createdAt: dateTime.required(),
        updatedAt: dateTime.required(),
        events: Joi.array().items(deliveryEvent).required(),
      }),
    )
    .required(),
}).id('DeliveryReport');
