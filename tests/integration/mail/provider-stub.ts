import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the stub received it. */
export interface StubRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** An answer, or 'hang': accept the request and never answer (the client must time out). */
export type StubReply = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

export interface ProviderStub {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  requests: StubRequest[];
  /** Replies in order; the last one repeats. */
  reply(...replies: StubReply[]): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server (127.0.0.1, a free port) that stands in for a provider's API: it
 * records every request and answers with the scripted status, headers and body.
 */
export async function startProviderStub(): Promise<ProviderStub> {
  const requests: StubRequest[] = [];
  let script: StubReply[] = [{ status: 200, body: {} }];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    // Recorded on arrival (the body is filled in when complete), so a client that gives up
    // early is still seen to have called.
    const record: StubRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.alloc(0),
    };
    requests.push(record);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      const reply = script.length > 1 ? (script.shift() as StubReply) : script[0];
      if (reply === 'hang') return;
      const body =
        reply.body === undefined
          ? ''
          : typeof reply.body === 'string'
            ? reply.body
            : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        ...(typeof reply.body === 'object' ? { 'content-type': 'application/json' } : {}),
        ...reply.headers,
      });
      res.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => {
      script = replies;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A field of a multipart/form-data body (Mailgun's wire format). */
export function formField(req: StubRequest, name: string): string | undefined {
  const text = req.body.toString('utf8');
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`name="${escaped}"\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n([\\s\\S]*?)\\r\\n--`).exec(
    text,
  );
  return match?.[1];
}

/** The six-digit code in a text, as a person would read it from the email. */
export function codeIn(text: string | undefined): string {
  const match = /\b(\d{6})\b/.exec(text ?? '');
  if (!match) throw new Error('no code in the email');
  return match[1];
}
