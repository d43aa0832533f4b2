import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import supertest from 'supertest';
import { series } from '../../src/platform/http/fast-path';

/** An app whose only layer is `series(...handlers)`, then a final handler and an error handler. */
function appWith(...handlers: RequestHandler[]) {
  const seen: string[] = [];
  const app = express();
  app.use(series(...handlers));
  app.use((_req, res) => void res.json({ reached: 'end', seen: res.locals.seen ?? [] }));
  const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => {
    res.status(500).json({ error: err.message, seen: res.locals.seen ?? [] });
  };
  app.use(onError);
  return { http: supertest(app), seen };
}
const mark =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.seen = [...((res.locals.seen as string[]) ?? []), name];
    next();
  };

describe('series', () => {
  it('when every handler calls next, then they run in order and the request goes on', async () => {
    const res = await appWith(mark('a'), mark('b'), mark('c')).http.get('/');
    expect(res.body).toEqual({ reached: 'end', seen: ['a', 'b', 'c'] });
  });

  it('when a handler passes an error, then the rest are skipped and the error handler answers', async () => {
    const fail: RequestHandler = (_req, _res, next) => next(new Error('refused'));
    const res = await appWith(mark('a'), fail, mark('c')).http.get('/');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'refused', seen: ['a'] });
  });

  it('when a handler throws or its promise rejects, then that error reaches the error handler', async () => {
    const throws: RequestHandler = () => {
      throw new Error('thrown');
    };
    const rejects: RequestHandler = async () => {
      throw new Error('rejected');
    };
    expect((await appWith(mark('a'), throws, mark('c')).http.get('/')).body).toEqual({
      error: 'thrown',
      seen: ['a'],
    });
    expect((await appWith(rejects, mark('b')).http.get('/')).body).toEqual({ error: 'rejected', seen: [] });
  });

  it('when a handler answers without calling next, then the series ends there', async () => {
    const answer: RequestHandler = (_req, res) => void res.status(204).end();
    const after = jest.fn(mark('after'));
    const res = await appWith(mark('a'), answer, after).http.get('/');
    expect(res.status).toBe(204);
    expect(after).not.toHaveBeenCalled();
  });

  it('when a handler calls next asynchronously, then the next one waits for it', async () => {
    const later: RequestHandler = (_req, res, next) => {
      setImmediate(() => {
        res.locals.seen = ['later'];
        next();
      });
    };
    const res = await appWith(later, mark('b')).http.get('/');
    expect(res.body).toEqual({ reached: 'end', seen: ['later', 'b'] });
  });
});
