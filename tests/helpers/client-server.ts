import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app';

/** The real app listening on an ephemeral port, for clients that speak HTTP with fetch. */
export interface ServedApp {
  t: TestApp;
  baseUrl: string;
  /** The code the test mailer holds for `email` (after the mail queue drains). */
  codeFor(email: string): Promise<string>;
  /** A fetch that counts the requests it makes, by path. */
  countingFetch(): { fetch: typeof fetch; count: (path: string) => number };
  /** The client's clock: the app's manual clock, so token lifetimes agree. */
  now: () => number;
  close(): Promise<void>;
}

export async function serveTestApp(options: TestAppOptions = {}): Promise<ServedApp> {
  const t = await createTestApp(options);
  const server: Server = createServer(t.app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    t,
    baseUrl: `http://127.0.0.1:${port}`,
    async codeFor(email) {
      await t.container.queue.drain();
      return t.mailer.lastCode(email);
    },
    countingFetch() {
      const paths: string[] = [];
      return {
        fetch: (input, init) => {
          paths.push(new URL(String(input)).pathname);
          return fetch(input, init);
        },
        count: (path) => paths.filter((p) => p === path).length,
      };
    },
    now: () => t.clock.now().getTime(),
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await t.close();
    },
  };
}
