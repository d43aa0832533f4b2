import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import https from 'node:https';
import type { Express } from 'express';

export interface ServerOptions {
  tls?: { certFile: string; keyFile: string };
}

/**
 * HTTP, or HTTPS when a certificate is configured (for deployments without a TLS-terminating
 * proxy). Timeouts sit below Node's 60 s / 300 s defaults so slow-body clients cannot hold
 * sockets open (docs/security.md, "Faults": burst / slow body).
 */
export function createServer(app: Express, options: ServerOptions = {}): http.Server {
  const server = options.tls
    ? https.createServer(
        {
          cert: readFileSync(options.tls.certFile),
          key: readFileSync(options.tls.keyFile),
          minVersion: 'TLSv1.2',
        },
        app,
      )
    : http.createServer(app);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

/** Listens and resolves with the bound port once the server accepts connections. */
export async function listen(server: http.Server, port: number, host?: string): Promise<number> {
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections and closes idle keep-alive sockets at once; requests in flight
 * get `graceMs` to finish before their sockets are closed. Resolves when every socket is closed.
 */
export function closeServer(server: http.Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  return closed;
}
