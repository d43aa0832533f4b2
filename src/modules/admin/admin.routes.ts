import { Router, type RequestHandler } from 'express';
import type Joi from 'joi';
import type { createAdminController } from './admin.controller';
import { AppError } from '../../platform/errors/app-error';
import { validateBody } from '../../platform/http/validate';
import {
  adminEmail,
  emptyBody,
  ipRuleBody,
  limitQuery,
  listUsersQuery,
  pageQuery,
  suppressionBody,
} from './admin.schemas';
import { route } from '../../platform/http/route';

const invalid = (error: Joi.ValidationError) =>
  new AppError('invalid_request', {
    fields: error.details.map((d) => ({ field: d.path.join('.') || 'query', message: d.message })),
  });

/**
 * Validates the query string (Express 5's `simple` parser: strings only, a repeated parameter
 * becomes an array and fails) and leaves the coerced values in res.locals.query.
 */
function validateQuery(schema: Joi.ObjectSchema): RequestHandler {
  return (req, res, next) => {
    const { value, error } = schema.validate(req.query, {
      abortEarly: false,
      convert: true,
      errors: { wrap: { label: false } },
    });
    if (error) return next(invalid(error));
    res.locals.query = value;
    next();
  };
}

/** The `:email` path segment, canonicalised; anything that is not an address is a 400. */
const emailParam: RequestHandler = (req, res, next) => {
  const { value, error } = adminEmail.required().validate(String(req.params.email), {
    errors: { wrap: { label: false } },
  });
  if (error) return next(invalid(error));
  res.locals.email = value;
  next();
};

/**
 * /v1/admin: every route, and every unknown path beneath it, sits behind the X-API-Key check,
 * so nothing about the admin surface is visible without a key.
 */
export function createAdminRouter(deps: {
  authenticate: RequestHandler;
  controller: ReturnType<typeof createAdminController>;
}): Router {
  const c = deps.controller;
  const router = Router();
  router.use(deps.authenticate);
  route(router, '/users', { get: [validateQuery(listUsersQuery), c.listUsers] });
  route(router, '/users/:id', { get: [c.getUser], delete: [c.deleteUser] });
  route(router, '/users/:id/revoke-sessions', { post: [validateBody(emptyBody), c.revokeSessions] });
  route(router, '/stats', { get: [c.stats] });
  route(router, '/ip-rules', {
    get: [c.listIpRules],
    post: [validateBody(ipRuleBody), c.createIpRule],
  });
  route(router, '/ip-rules/:id', { delete: [c.deleteIpRule] });
  route(router, '/suppressions', {
    get: [validateQuery(pageQuery), c.listSuppressions],
    post: [validateBody(suppressionBody), c.addSuppression],
  });
  route(router, '/suppressions/:email', { delete: [emailParam, c.removeSuppression] });
  route(router, '/emails/:email/messages', {
    get: [emailParam, validateQuery(limitQuery), c.emailMessages],
  });
  router.use((_req, _res, next) => next(new AppError('not_found')));
  return router;
}
