import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import supertest from 'supertest';
import { headersOf } from '../../src/platform/http/fast-path';
import { apiHelmetOptions, apiSecurityHeaders } from '../../src/platform/http/security';

const headersFrom = async (middleware: RequestHandler) => {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.get('/', (_req, res) => res.json({ ok: true }));
  const res = await supertest(app).get('/');
  const { date: _date, etag: _etag, ...rest } = res.headers as Record<string, string>;
  return rest;
};

describe('API security headers', () => {
  it('when set from the precomputed list, then a response carries exactly what helmet sets per request, plus no-store', async () => {
    const perRequest = await headersFrom(helmet(apiHelmetOptions));
    const precomputed = await headersFrom(apiSecurityHeaders);

    expect(precomputed).toEqual({ ...perRequest, 'cache-control': 'no-store' });
    expect(precomputed['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none';base-uri 'none'",
    );
    expect(precomputed['x-frame-options']).toBe('DENY');
  });

  it('when a middleware does not finish synchronously, then reading its headers fails loudly', () => {
    const later: RequestHandler = (_req, _res, next) => void setImmediate(next);
    expect(() => headersOf(later)).toThrow(/did not finish synchronously/);
  });

  it('when a middleware removes a header it set, then the list leaves it out', () => {
    const setsThenRemoves: RequestHandler = (_req, res, next) => {
      res.setHeader('X-A', '1');
      res.setHeader('X-B', '2');
      res.removeHeader('X-A');
      next();
    };
    expect(headersOf(setsThenRemoves)).toEqual([['X-B', '2']]);
  });
});
