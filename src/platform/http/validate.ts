import type { RequestHandler } from 'express';
import type Joi from 'joi';
import { AppError } from '../errors/app-error';

/**
 * Validates the body against a Joi schema: every problem at once (abortEarly false), unknown
 * keys refused (no mass assignment, no `$` operators), coerced values written back.
 */
export function validateBody(schema: Joi.ObjectSchema): RequestHandler {
  return (req, _res, next) => {
    // No body at all (no Content-Type, or Content-Length 0) leaves req.body undefined: validate
    // it as an empty object so the answer is a 400 naming the missing fields, not a 500 later.
    const { value, error } = schema.validate(req.body ?? {}, {
      abortEarly: false,
      convert: false,
      errors: { wrap: { label: false } },
    });
    if (error) {
      const errors = error.details.map((d) => ({ field: d.path.join('.') || 'body', message: d.message }));
      return next(new AppError('invalid_request', { fields: errors }));
    }
    req.body = value;
    next();
  };
}
