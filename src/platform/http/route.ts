import type { RequestHandler, Router } from 'express';
import { AppError } from '../errors/app-error';

export type Method = 'get' | 'post' | 'delete';

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
    if (method === 'get') allowed.push('HEAD');
  }
  r.all((_req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('method_not_allowed'));
  });
}
