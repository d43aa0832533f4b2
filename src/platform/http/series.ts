import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs middlewares one after the other as a single Express layer. Every layer costs the router
 * a path match and a few allocations per request; the always-on head of the stack (request id,
 * security headers, IP guard, request log, CORS) runs on every request, so it is one layer.
 * Semantics follow Express 5: an error (or 'route'/'router') skips the rest and goes to the
 * outer `next`; a handler that answers without calling `next` ends the series; a rejected
 * promise is passed on as an error.
 */
export function series(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      if (i === handlers.length) return next();
      const handler = handlers[i++];
      try {
        const ret = handler(req, res, step) as unknown;
        if (ret instanceof Promise) ret.then(undefined, (e: unknown) => step(e ?? new Error('rejected')));
      } catch (e) {
        step(e);
      }
    };
    step();
  };
}
