import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentryStub {
  /** A DSN pointing at the stub. */
  url: string;
  /** Every envelope received, as sent. */
  envelopes: string[];
  close(): Promise<void>;
}

/** Sentry's ingestion endpoint, played locally: records each envelope it receives. */
export function startSentryStub(): Promise<SentryStub> {
  const envelopes: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url?.includes('/envelope/')) envelopes.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://public@127.0.0.1:${port}/1`,
        envelopes,
        close: () => new Promise((r) => server.close(() => r())),
      });
    }),
  );
}
