/** BENCH_TRACING=1: a local OTLP/HTTP endpoint that accepts every export and counts what came. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startOtlpSink(): Promise<{ url: string; stats: () => string; close: () => void }> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => `${exports} OTLP exports, ${(bytes / 2 ** 20).toFixed(1)} MB of spans (http/protobuf)`,
    close: () => server.close(),
  };
}
