import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler } from 'express';
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
  /** Only the headers the schema names are read (any others pass); each by its documented name. */
  headers?: Joi.ObjectSchema;
  /** Only the cookies the schema names are read. */
  cookies?: Joi.ObjectSchema;
}

/** The keys an object schema declares. */
const keysOf = (schema: Joi.ObjectSchema): string[] =>
  Object.keys((schema.describe() as { keys?: Record<string, unknown> }).keys ?? {});

/** The named headers and cookies present on the request, under the schema's names. */
function picked(schema: Joi.ObjectSchema, read: (name: string) => string | undefined) {
  const out: Record<string, string> = {};
  for (const name of keysOf(schema)) {
    const value = read(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The request's cookies (RFC 6265 `Cookie` header), the first of a repeated name. */
export const cookiesOf = (req: Request): Record<string, string | undefined> =>
  parseCookies(req.headers.cookie ?? '');

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
 * array) and the parameters are converted; the named headers and cookies are checked as they
 * came. Express 5's `req.query` is a getter, so the
 * validated query and parameters go to res.locals (read them with `validated(res)`).
 */
export function validateRequest(schemas: RequestSchemas): RequestHandler {
  const { body, query, params, headers, cookies } = schemas;
  return (req, res, next) => {
    const problems: Problem[] = [];
    if (params) res.locals.params = check(params, req.params, true, 'params', problems);
    if (query) res.locals.query = check(query, req.query, true, 'query', problems);
    if (headers)
      check(
        headers,
        picked(headers, (n) => req.get(n)),
        false,
        'headers',
        problems,
      );
    if (cookies) {
      const jar = cookiesOf(req);
      check(
        cookies,
        picked(cookies, (n) => (Object.hasOwn(jar, n) ? jar[n] : undefined)),
        false,
        'cookies',
        problems,
      );
    }
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
