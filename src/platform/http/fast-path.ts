import type { NextFunction, Request, RequestHandler, Response } from 'express';

/*
 * The small savings on every request's path, kept in one place. Each does exactly what the
 * plain form does, only cheaper; what each was worth and how it was measured is in
 * docs/performance.md (the second and fourth rounds). Elsewhere: ETags are off (app.ts), the
 * JSON parser and the meta router run only where they apply (app.ts), and request metrics
 * keep their label children (request-context.ts).
 */

/**
 * Runs middlewares one after the other as a single Express layer (a layer costs the router a
 * path match and a few allocations). Semantics follow Express 5: an error (or 'route'/'router')
 * skips the rest and goes to the outer `next`; a handler that answers without calling `next`
 * ends the series; a rejected promise is passed on as an error.
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

/**
 * What a header middleware with static options (helmet: no nonces) sets, read once at
 * start-up, so each response gets the list in one loop instead of re-running the middleware.
 */
export function headersOf(middleware: RequestHandler): Array<[string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  middleware({} as Request, res as unknown as Response, () => (done = true));
  if (!done) throw new Error('the security header middleware did not finish synchronously');
  return [...headers];
}

/**
 * An error that captures no stack trace: for answers (AppError's 4xx), not faults. Their own
 * stack is never logged; a cause passed in keeps its stack, which is what gets logged.
 */
export class StacklessError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = stackTraceLimit;
  }
}
