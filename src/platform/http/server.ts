import { readFileSync } from 'node:fs';
import http from 'node:http';
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
