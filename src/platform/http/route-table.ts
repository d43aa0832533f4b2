import { Router, type RequestHandler, type Response } from 'express';
import type Joi from 'joi';
import { AppError } from '../errors/app-error';
import { route, type Method } from './route';
import { series } from './fast-path';
import { validateRequest } from './validate';

/**
 * A body's schema: a Joi schema (converted for the document; with an `.id()` it becomes a named
 * component), a component's name, or JSON Schema for what Joi cannot say.
 */
export type SchemaSpec = string | Joi.Schema | { readonly [key: string]: unknown };

export interface ResponseSpec {
  description: string;
  /** Absent: no body. */
  content?: Record<string, SchemaSpec>;
  /** Response headers the document names (Set-Cookie, Clear-Site-Data), each with its description. */
  headers?: Record<string, string>;
}

/**
 * One route, declared once: it drives the Express registration, the request validation and
 * the OpenAPI document. `N` names the middlewares and handlers the owning module binds.
 */
export interface RouteSpec<N extends string = string> {
  method: Method;
  /** Express syntax (`/v1/sessions/:id`); the document gets `{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** A per-route budget, first in the chain. */
  limiter?: N;
  /**
   * A check of the request that runs after the limiter and auth and before the body is
   * validated (a CAPTCHA: a body without a token is refused as captcha_failed, not invalid).
   */
  precheck?: N;
  /** The security scheme the document names, and the middleware enforcing it (else the table's guard or the handler). */
  auth?: { scheme: string; check?: N };
  /**
   * For the document only, in place of `auth`'s one scheme: the ways a caller may authenticate,
   * each a list of schemes that go together ([] = none), when the handler itself checks them.
   */
  security?: ReadonlyArray<readonly string[]>;
  request?: {
    /** With an `.id()`, a named component in the document. */
    body?: Joi.ObjectSchema;
    /** An action whose body may be left out. */
    bodyOptional?: boolean;
    /** A body Joi cannot describe (signed raw bytes): its parser, and the document's content. */
    raw?: { parser: N; content: Record<string, SchemaSpec> };
    query?: Joi.ObjectSchema;
    params?: Joi.ObjectSchema;
    /** Request headers, by their names as documented (matched case-insensitively). */
    headers?: Joi.ObjectSchema;
    /** Cookies, by name. */
    cookies?: Joi.ObjectSchema;
  };
  responses: Record<string, ResponseSpec>;
  handler: N;
  /** The same route under another path, registered when the table's aliases are on. */
  alias?: { path: string; operationId: string; description: string };
}

export interface RouteTable<N extends string = string> {
  /** Mounted as one router here (paths outside it pass by in one check); absent: flat on the app. */
  mount?: string;
  /** Runs before every route of a mounted table and before its 404 (nothing unguarded beneath it). */
  guard?: N;
  /** Unknown paths beneath `mount` answer 404 (after the guard). */
  notFound?: boolean;
  routes: Array<RouteSpec<N>>;
}

export type Bindings<N extends string> = Record<N, RequestHandler>;

/** A module's table with what it binds to the names (and whether its aliases are served). */
export interface BoundTable<N extends string = string> {
  table: RouteTable<N>;
  bind: Bindings<N>;
  aliases?: boolean;
}

/** What the validation middleware stored: the coerced query and path parameters. */
export function validated<Q = Record<string, unknown>, P = Record<string, string>>(res: Response) {
  return { query: res.locals.query as Q, params: res.locals.params as P };
}

function chainOf<N extends string>(spec: RouteSpec<N>, bind: Bindings<N>): RequestHandler {
  const { request } = spec;
  const chain: RequestHandler[] = [];
  if (spec.limiter) chain.push(bind[spec.limiter]);
  if (spec.auth?.check) chain.push(bind[spec.auth.check]);
  if (spec.precheck) chain.push(bind[spec.precheck]);
  if (request?.raw) chain.push(bind[request.raw.parser]);
  if (request?.body || request?.query || request?.params || request?.headers || request?.cookies) {
    const { body, query, params, headers, cookies } = request;
    chain.push(validateRequest({ body, query, params, headers, cookies }));
  }
  chain.push(bind[spec.handler]);
  return chain.length === 1 ? chain[0] : series(...chain);
}

/**
 * Registers a table: each path's verbs once, 405 with Allow for the others (HEAD with GET).
 * A table with `mount` becomes one router there; else its routes go flat on `target`.
 */
export function mountRoutes<N extends string>(target: Router, { table, bind, aliases }: BoundTable<N>): void {
  if (!table.mount && (table.guard || table.notFound)) throw new Error('a guard or a 404 needs a mount');
  const prefix = table.mount ?? '';
  const byPath = new Map<string, Partial<Record<Method, RequestHandler[]>>>();
  const add = (path: string, method: Method, handler: RequestHandler) => {
    const local = path.slice(prefix.length) || '/';
    const verbs = byPath.get(local) ?? {};
    verbs[method] = [handler];
    byPath.set(local, verbs);
  };
  const aliased: Array<[string, Method, RequestHandler]> = [];
  for (const spec of table.routes) {
    if (!spec.path.startsWith(prefix)) throw new Error(`${spec.path} is outside ${prefix}`);
    const handler = chainOf(spec, bind);
    add(spec.path, spec.method, handler);
    if (spec.alias && aliases) aliased.push([spec.alias.path, spec.method, handler]);
  }
  // Aliases last: the versioned paths are matched without walking past them.
  for (const [path, method, handler] of aliased) add(path, method, handler);
  const router = table.mount ? Router() : target;
  if (table.mount && table.guard) router.use(bind[table.guard]);
  for (const [path, verbs] of byPath) route(router, path, verbs);
  if (table.mount) {
    if (table.notFound) {
      router.use((_req, _res, next) => next(new AppError('not_found')));
    }
    target.use(table.mount, router);
  }
}
