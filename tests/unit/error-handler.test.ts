import { Writable } from 'node:stream';
import express, { type RequestHandler } from 'express';
import supertest from 'supertest';
import { createErrorHandler } from '../../src/platform/errors/error-handler';
import { createLogger } from '../../src/platform/logger';

/**
 * The one error handler with Express's real layers in front of it: the router's and the body
 * parser's own errors are the client's mistakes (4xx, logged at the request line's level, not reported), anything
 * else unexpected stays a reported 500.
 */
function appWith(...handlers: RequestHandler[]) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  const reported: unknown[] = [];
  const app = express();
  app.post('/things/:id', ...handlers, (_req, res) => void res.status(204).end());
  app.use(createErrorHandler(createLogger({ level: 'debug', stream }), (err) => reported.push(err)));
  return { http: supertest(app), lines, reported };
}

describe('error handler: errors raised by the HTTP layers', () => {
  it('when a route parameter does not decode, then 404 not_found, logged at the request line level, not reported', async () => {
    const { http, lines, reported } = appWith();

    const res = await http.post('/things/%E0%A4%A');

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found', status: 404 });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'http', code: 'not_found', reason: 'URIError' }),
    ]);
    expect(reported).toEqual([]);
  });

  it('when the body parser fails in a way without a case of its own, then a 4xx problem, not a 500', async () => {
    // A verify hook that throws a plain error: body-parser raises 403 entity.verify.failed.
    const parse = express.json({
      verify: () => {
        throw new Error('refused by the hook');
      },
    });
    const { http, lines, reported } = appWith(parse);

    const res = await http.post('/things/1').set('Content-Type', 'application/json').send('{"a":1}');

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('invalid_request');
    expect(res.text).not.toContain('refused by the hook');
    expect(lines.map((l) => l.level)).toEqual(['http']);
    expect(reported).toEqual([]);
  });

  it.each<[number, string]>([
    [404, 'not_found'],
    [405, 'method_not_allowed'],
    [413, 'payload_too_large'],
    [415, 'unsupported_media_type'],
    [400, 'invalid_request'],
    [431, 'invalid_request'],
  ])('when a layer raises an exposable %i, then it keeps its meaning (%s)', async (status, code) => {
    const raise: RequestHandler = (_req, _res, next) =>
      next(Object.assign(new Error('layer text'), { status, expose: true, type: 'some.new.type' }));
    const { http, reported } = appWith(raise);

    const res = await http.post('/things/1');

    expect(res.body).toMatchObject({ code, status: res.status });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(reported).toEqual([]);
  });

  it('when an error carries a 4xx status without being marked safe to expose, then it stays a reported 500', async () => {
    // A provider's or driver's error may carry its own 4xx: that is our fault, not the client's.
    const raise: RequestHandler = (_req, _res, next) =>
      next(Object.assign(new Error('provider said 400'), { status: 400 }));
    const { http, lines, reported } = appWith(raise);

    const res = await http.post('/things/1');

    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal_error');
    expect(lines.map((l) => l.level)).toEqual(['error']);
    expect(reported).toHaveLength(1);
  });
});
