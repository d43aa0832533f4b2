/** One HTTP request of the load test, over keep-alive connections (node:http, no dependency). */
import http from 'node:http';
import https from 'node:https';

export interface Answer {
  /** 0 when no response came: a connection error or a timeout. */
  status: number;
  body: string;
  ms: number;
  error?: string;
}

export interface Client {
  send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer>;
  close(): void;
}

export function createClient(baseUrl: string, maxSockets: number, timeoutMs: number): Client {
  const base = new URL(baseUrl);
  const lib = base.protocol === 'https:' ? https : http;
  // An idle connection is closed after 2 s, well before the server's keep-alive timeout (5 s):
  // else a request sent on a connection the server is closing at that moment gets ECONNRESET,
  // a race of the client's making that would count as the service's connection error.
  const agent = new lib.Agent({ keepAlive: true, maxSockets, timeout: 2000 });
  return {
    send(method, path, headers, body) {
      const started = performance.now();
      return new Promise<Answer>((resolve) => {
        const done = (status: number, text: string, error?: string) =>
          resolve({ status, body: text, ms: performance.now() - started, error });
        const req = lib.request(
          new URL(path, base),
          {
            method,
            agent,
            timeout: timeoutMs,
            headers: body
              ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
              : headers,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
            res.on('error', (err) => done(0, '', err.message));
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
        req.on('error', (err: NodeJS.ErrnoException) => done(0, '', err.code ?? err.message));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
