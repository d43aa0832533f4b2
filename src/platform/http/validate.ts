import type { RequestHandler } from 'express';
import type Joi from 'joi';
import { AppError } from '../errors/app-error';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own declaration merging point
  namespace Express {
    interface Locals {
      /** The validated, coerced query string (`validateRequest`); its shape is the route's schema. */
      query: unknown;
      /** The validated, coerced path parameters (`validateRequest`). */
      params: unknown;
    }
  }
}

export interface RequestSchemas {
  body?: Joi.ObjectSchema;
  query?: Joi.ObjectSchema;
  params?: Joi.ObjectSchema;
}

type Problem = { field: string; message: string };

const check = (
  schema: Joi.ObjectSchema,
  input: unknown,
  convert: boolean,
  part: string,
  problems: Problem[],
) => {
  const { value, error } = schema.validate(input, {
    abortEarly: false,
    convert,
    errors: { wrap: { label: false } },
  });
  if (error)
    for (const d of error.details) problems.push({ field: d.path.join('.') || part, message: d.message });
  return value as unknown;
};

/**
 * The one request validation: path parameters, query and body against their Joi schemas, every
 * problem at once (abortEarly false), unknown keys refused (no mass assignment, no `$`
 * operators, no unread `?api_key=`), coerced values written back. The body keeps its JSON types
 * (no conversion); the query (Express 5's `simple` parser: strings, a repeated parameter an
 * array) and the parameters are converted. Express 5's `req.query` is a getter, so the
 * validated query and parameters go to res.locals (read them with `validated(res)`).
 */
export function validateRequest(schemas: RequestSchemas): RequestHandler {
  const { body, query, params } = schemas;
  return (req, res, next) => {
    const problems: Problem[] = [];
    if (params) res.locals.params = check(params, req.params, true, 'params', problems);
    if (query) res.locals.query = check(query, req.query, true, 'query', problems);
    // No body at all (no Content-Type, or Content-Length 0) leaves req.body undefined: validate
    // it as an empty object so the answer is a 400 naming the missing fields, not a 500 later.
    const value = body ? check(body, req.body ?? {}, false, 'body', problems) : undefined;
    if (problems.length > 0) {
      return next(new AppError('invalid_request', { fields: problems }));
    }
    if (body) req.body = value;
    next();
  };
}
