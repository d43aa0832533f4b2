import { META_PATHS } from '../../src/app';
import { createMetaRouter } from '../../src/platform/http/meta.routes';
import { createMetrics } from '../../src/platform/metrics';

/** The app hands a request to the meta router only when META_PATHS matches its path. */
describe('META_PATHS', () => {
  const router = createMetaRouter({
    jwks: async () => ({ keys: [] }),
    metrics: createMetrics(),
    ipv6SubnetPrefix: 64,
    readiness: [],
    isShuttingDown: () => false,
    openapi: {},
  });
  const layers = (router as unknown as { stack: Array<{ route?: { path: string } }> }).stack;
  const routePaths = layers.flatMap((l) => (l.route ? [l.route.path] : []));

  it('when the meta router serves a route, then the gate lets its path through, in any case and with a trailing slash', () => {
    expect(routePaths.length).toBeGreaterThanOrEqual(5);
    for (const path of routePaths) {
      for (const variant of [path, path.toUpperCase(), `${path}/`]) {
        expect({ variant, matched: META_PATHS.test(variant) }).toEqual({ variant, matched: true });
      }
    }
    for (const path of ['/docs', '/docs/', '/docs/swagger-ui.css']) expect(META_PATHS.test(path)).toBe(true);
  });

  it('when a path is an API route or unknown, then the gate skips the meta router', () => {
    for (const path of [
      '/v1/users/me',
      '/v1/auth/refresh',
      '/otp/request',
      '/healthz',
      '/metricsx',
      '/v1/openapi.jsonx',
      '/documents',
      '/',
    ]) {
      expect({ path, matched: META_PATHS.test(path) }).toEqual({ path, matched: false });
    }
  });
});
