import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/platform/config/config';
import { createServer } from '../../src/platform/http/server';
import { createTestApp, type TestApp } from '../helpers/test-app';

function get(port: number, path: string): Promise<{ status: number; hsts?: string; protocol?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false },
      (res) => {
        const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol() ?? undefined;
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'], protocol }),
        );
      },
    );
    req.on('error', reject);
  });
}

describe('serving HTTPS directly', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'otp-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(async () => t.close());

  it('when TLS files are configured, then the service answers over TLS 1.2+ with HSTS', async () => {
    const config = loadConfig({ TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') });
    const server = createServer(t.app, { tls: config.tls });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await get((server.address() as AddressInfo).port, '/health/live');
      expect(res.status).toBe(200);
      expect(res.hsts).toBe('max-age=31536000; includeSubDomains');
      expect(['TLSv1.2', 'TLSv1.3']).toContain(res.protocol);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('when only one of the TLS files is set, then the configuration is refused', () => {
    expect(() => loadConfig({ TLS_CERT_FILE: '/x.pem' })).toThrow(/TLS_CERT_FILE and TLS_KEY_FILE/);
  });

  it('when the server is created, then its timeouts are below the Node defaults', () => {
    const server = createServer(t.app);
    expect(server.headersTimeout).toBeLessThanOrEqual(10_000);
    expect(server.requestTimeout).toBeLessThanOrEqual(30_000);
  });
});
