import type { RequestHandler } from 'express';
import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import { safeEqual } from '../../platform/secrets';
import { keyAllowsAddress, parseAdminKeys, scopeOf, sha256, type AdminKey } from './admin-keys';
import type { AdminActor } from './admin.service';
import type { AuditActor, AuditRecord } from './admin-audit';

/**
 * X-API-Key authentication for /v1/admin. The key is read from the header only (a query
 * string ends up in proxy and browser logs). The caller's key is hashed and compared in
 * constant time (safeEqual) with every configured digest, with no early exit, so neither a wrong
 * byte's position nor a wrong length shows in the timing, and a missing, wrong or wrong-length
 * key all get the identical 401. A user's Bearer token is not an admin credential and is ignored.
 * With no keys configured the admin API is off: 403 for every request. A right key used from
 * outside its `cidr` networks, or for a method its `scopes` do not cover (read: GET and HEAD;
 * write: the rest), gets 403; the audit line names it by its id, never the key. Both refusals
 * are also written to the audit log (`record`, which never throws) before the answer goes out.
 * With the API off nothing is recorded: no key is configured to refuse.
 */
export function adminAuth(deps: {
  keys: string[];
  logger: Logger;
  record: (actor: AuditActor, entry: AuditRecord) => Promise<void>;
}): RequestHandler {
  const keys = parseAdminKeys(deps.keys);
  return (req, res, next) => {
    if (keys.length === 0) {
      return next(new AppError('forbidden', { detail: 'admin API disabled' }));
    }
    const header = req.get('x-api-key');
    const given = sha256(header ?? '');
    let matched: AdminKey | undefined;
    for (const key of keys) {
      if (safeEqual(given, key.digest) && !matched) matched = key;
    }
    const requestId = res.locals.requestId;
    const refuse = (keyId: string | null, entry: AuditRecord, error: AppError) =>
      void deps.record({ keyId, requestId: requestId ?? null }, entry).then(() => next(error));
    if (!matched || header === undefined || header === '') {
      const reason = header ? 'wrong_key' : 'missing_key';
      deps.logger.warn('admin authentication failed', {
        event: 'admin.auth.failed',
        requestId,
        ip: req.ip,
        reason,
      });
      res.setHeader('WWW-Authenticate', 'APIKey header="X-API-Key"');
      const details = { reason, method: req.method, ip: req.ip ?? null };
      return refuse(
        null,
        { action: 'admin.auth.failed', outcome: 'unauthorized', details },
        new AppError('unauthorized'),
      );
    }
    const refusal = !keyAllowsAddress(matched, req.ip)
      ? { reason: 'outside_cidr', detail: 'this key may not be used from this address' }
      : !matched.scopes.includes(scopeOf(req.method))
        ? { reason: 'missing_scope', detail: `this key lacks the ${scopeOf(req.method)} scope` }
        : undefined;
    if (refusal) {
      deps.logger.warn('admin request refused', {
        event: 'admin.auth.refused',
        requestId,
        ip: req.ip,
        keyId: matched.id,
        method: req.method,
        reason: refusal.reason,
      });
      const details = { reason: refusal.reason, method: req.method, ip: req.ip ?? null };
      return refuse(
        matched.id,
        { action: 'admin.auth.refused', outcome: 'refused', details },
        new AppError('forbidden', { detail: refusal.detail }),
      );
    }
    res.locals.admin = { keyId: matched.id, requestId, ip: req.ip } satisfies AdminActor;
    next();
  };
}
