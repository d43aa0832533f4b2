import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import type { RouteSpec } from './route-table';
import { problem } from './openapi';

/**
 * Where `npm run build` bundles the browser library (scripts/build-client.mjs): dist/client/ of
 * the repository, reached from this file both as src/platform/http and as dist/platform/http.
 */
export const CLIENT_SCRIPT_PATH = join(__dirname, '..', '..', '..', 'dist', 'client', 'client.js');

/** Browsers may reuse the file for five minutes, then revalidate it by its ETag. */
const CACHE_CONTROL = 'public, max-age=300, must-revalidate';

export const clientScriptRoute: RouteSpec<'clientScript'> = {
  method: 'get',
  path: '/v1/client.js',
  operationId: 'clientScript',
  tags: ['meta'],
  summary: 'The browser client library, one ES module',
  description:
    'Import it with `import { createOtpClient } from "<service>/v1/client.js"` (docs/api.md, "Client library"). Cacheable, with an ETag; any origin may load it.',
  responses: {
    '200': { description: 'The library', content: { 'text/javascript': { type: 'string' } } },
    '304': { description: 'Unchanged since the ETag given in If-None-Match' },
    '503': problem('The library was not built with the service (service_unavailable)'),
  },
  handler: 'clientScript',
};

interface Loaded {
  body: Buffer;
  etag: string;
  mtimeMs: number;
}

/**
 * Serves the bundle from memory, read once and again only when the file changes (a rebuild
 * under a running development server). A missing bundle is a broken deployment, not the
 * client's fault: 503, and the log says why.
 */
export function serveClientScript(path: string = CLIENT_SCRIPT_PATH): RequestHandler {
  let loaded: Loaded | undefined;
  const load = (): Loaded => {
    const { mtimeMs } = statSync(path);
    if (loaded?.mtimeMs !== mtimeMs) {
      const body = readFileSync(path);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      loaded = { body, etag, mtimeMs };
    }
    return loaded;
  };
  return (req, res, next) => {
    let script: Loaded;
    try {
      script = load();
    } catch (err) {
      return next(
        new AppError('service_unavailable', {
          detail: 'The client library is not built: run npm run build',
          retryAfterSeconds: 60,
          cause: err,
        }),
      );
    }
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.setHeader('ETag', script.etag);
    // Public code: any page may load it as a module script (a CORS request without cookies).
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.removeHeader('Access-Control-Allow-Credentials');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.fresh) return void res.status(304).end();
    res.setHeader('Content-Length', script.body.length);
    res.end(script.body);
  };
}
