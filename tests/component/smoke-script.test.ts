/**
 * scripts/smoke.sh, the release scripts' smoke test, run against the real app in test mode
 * (OTP_TEST_ACCOUNTS) listening on a port: it passes when the sign-in flow works, fails naming
 * the step that does not, and rides out the account's resend cooldown of a test a moment ago.
 */
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../helpers/test-app';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'smoke.sh');
const EMAIL = 'smoke@example.test';
const CODE = '135790';

describe('scripts/smoke.sh against the app in test mode', () => {
  let t: TestApp;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: { OTP_TEST_ACCOUNTS: `${EMAIL}:${CODE}`, OTP_RESEND_COOLDOWN_SECONDS: '1' },
    });
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.close();
  });

  const smoke = (env: Record<string, string>) =>
    new Promise<{ status: number | null; output: string }>((resolve) => {
      const child = spawn('bash', [SCRIPT, base], {
        env: { PATH: process.env.PATH, SMOKE_WAIT: '10', ...env },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (status) => resolve({ status, output }));
    });
  const throttled = () => t.logs.filter((l) => l.message === 'otp request throttled').length;

  it('when the sign-in flow works, then it passes, and a second run inside the cooldown waits it out and passes too', async () => {
    const first = await smoke({ SMOKE_EMAIL: EMAIL, SMOKE_CODE: CODE });
    expect(first).toMatchObject({ status: 0 });
    expect(first.output).toMatch(/GET \/v1\/users\/me 200/);
    expect(first.output).not.toContain(CODE);

    const before = throttled();
    const second = smoke({ SMOKE_EMAIL: EMAIL, SMOKE_CODE: CODE });
    // The app's clock is a manual one: the cooldown ends when the test says so.
    for (let i = 0; i < 100 && throttled() === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(throttled()).toBe(before + 1);
    t.clock.advance(3000);
    const result = await second;
    expect(result).toMatchObject({ status: 0 });
    expect(result.output).toMatch(/429 \(the account's cooldown\): retrying in 1s/);
    t.clock.advance(3000);
  });

  it('when the code is not the account fixed one, then it fails naming the verify step', async () => {
    const result = await smoke({ SMOKE_EMAIL: EMAIL, SMOKE_CODE: '000000' });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/POST \/v1\/otp\/verify answered 401, expected 200/);
    t.clock.advance(3000);
  });

  it('when nothing answers, then it fails after SMOKE_WAIT at the readiness step', async () => {
    const child = await new Promise<{ status: number | null; output: string }>((resolve) => {
      const p = spawn('bash', [SCRIPT, 'http://127.0.0.1:9'], {
        env: { PATH: process.env.PATH, SMOKE_WAIT: '1', SMOKE_EMAIL: EMAIL, SMOKE_CODE: CODE },
      });
      let output = '';
      p.stderr.on('data', (d) => (output += d));
      p.on('close', (status) => resolve({ status, output }));
    });
    expect(child.status).toBe(1);
    expect(child.output).toMatch(/health\/ready did not answer 200 within 1s/);
  });
});
