import type { RequestHandler, Router } from 'express';
import { AppError } from '../errors/app-error';

/** `head` only where HEAD is documented on its own (it otherwise answers with GET's handler, bodiless). */
export type Method = 'get' | 'head' | 'post' | 'delete';

/** Declares a path's verbs; every other verb gets 405 with an Allow header (no TRACE echo). */
export function route(
  router: Router,
  path: string,
  handlers: Partial<Record<Method, RequestHandler[]>>,
): void {
  const r = router.route(path);
  const allowed: string[] = [];
  for (const [method, chain] of Object.entries(handlers) as Array<[Method, RequestHandler[]]>) {
    r[method](...chain);
    allowed.push(method.toUpperCase());
    if (method === 'get' && !handlers.head) allowed.push('HEAD');
  }
  r.all((_req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('method_not_allowed'));
  });
}
