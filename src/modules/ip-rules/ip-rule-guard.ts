import type { RequestHandler } from 'express';
import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import type { Metrics } from '../../platform/metrics';
import type { IpVerdict } from './ip-match';

/**
 * Liveness always passes: it answers a constant and touches nothing, and a rule that happened
 * to cover the kubelet's address would otherwise have every container restarted in a loop.
 */
const LIVENESS = '/health/live';
/**
 * Readiness reads the dependencies, so a denied address is refused like anywhere else (a deny
 * rule names a known-bad source). An allowlist is written for clients and rarely lists the
 * load balancer's or the kubelet's probe addresses: an unlisted address may still ask, so an
 * allowlist never takes every instance out of rotation.
 */
const READINESS = '/health/ready';

/**
 * Refuses denied (or, with an allowlist, unlisted) client addresses with 403 before anything
 * else runs: no body is parsed, no rate-limit budget is spent, no query is made, no mail can
 * be sent. The address is req.ip, which honours only the configured `trust proxy`, so a
 * client-sent X-Forwarded-For cannot step around a rule. Denied and unlisted get the same answer.
 */
export function ipRuleGuard(deps: {
  rules: { check(ip: string | undefined): IpVerdict; readonly empty?: boolean };
  logger: Logger;
  metrics: Metrics;
}): RequestHandler {
  return (req, res, next) => {
    // The common case: no rule, so req.ip (X-Forwarded-For parsing) and the path are not needed.
    if (deps.rules.empty) return next();
    const path = req.path.toLowerCase().replace(/\/+$/, '');
    if (path === LIVENESS) return next();
    const verdict = deps.rules.check(req.ip);
    if (verdict === 'allowed' || (verdict === 'not_allowlisted' && path === READINESS)) return next();
    deps.metrics.ipRuleDenials.inc({ reason: verdict });
    // The same level as the request line the logger would have written: a flood adds no volume.
    deps.logger.log('http', 'request refused by IP rule', {
      event: 'ip.denied',
      requestId: res.locals.requestId,
      ip: req.ip,
      reason: verdict,
      method: req.method,
    });
    next(new AppError('forbidden'));
  };
}
