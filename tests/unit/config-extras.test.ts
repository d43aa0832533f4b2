import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../../src/platform/config/config';
import { problemsOf } from './config-fixtures';

/** More of loadConfig (moved out of config.test.ts): JWT keys, the metrics token, email history retention. */

describe('loadConfig', () => {
  describe('JWT_PRIVATE_KEYS', () => {
    const pem = () =>
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;

    it('when keys are given with literal \\n (one-line env), then each PEM is parsed, order kept', () => {
      const [a, b] = [pem(), pem()];
      const oneLine = `${a}${b}`.replace(/\n/g, '\\n');
      expect(oneLine).not.toContain('\n');
      const keys = loadConfig({ JWT_PRIVATE_KEYS: oneLine }).tokens.privateKeysPem;
      expect(keys).toEqual([a.trim(), b.trim()]);
    });

    it('when keys are given with real newlines, then they are parsed too', () => {
      const a = pem();
      expect(loadConfig({ JWT_PRIVATE_KEYS: a }).tokens.privateKeysPem).toEqual([a.trim()]);
    });

    it('when unset, then no keys are listed (the key is derived from the secret)', () => {
      expect(loadConfig({ JWT_PRIVATE_KEYS: '' }).tokens.privateKeysPem).toEqual([]);
    });
  });
});

describe('production metrics token', () => {
  const base = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'a'.repeat(20) + 'b'.repeat(20),
    POSTGRESQL_URL: 'postgresql://db/x',
    SMTP_HOST: 'smtp.example.com',
    CORS_ORIGIN: 'https://app.example.com',
    PUBLIC_URL: 'https://login.example.com',
  };
  it('when METRICS_TOKEN is a placeholder or short, then production refuses to start', () => {
    const { loadConfig } = jest.requireActual('../../src/platform/config/config');
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'CHANGE_ME_metrics_token' })).toThrow(
      /METRICS_TOKEN must be/,
    );
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be/);
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'f0e1d2c3b4a5968778695a4b3c2d1e0f' })).not.toThrow();
  });
});

describe('email history retention', () => {
  it('when unset, then 30 days; when set, that many; below 1 or not a whole number, refused', () => {
    expect(loadConfig({}).email.historyRetentionDays).toBe(30);
    expect(loadConfig({ EMAIL_HISTORY_RETENTION_DAYS: '7' }).email.historyRetentionDays).toBe(7);
    expect(problemsOf({ EMAIL_HISTORY_RETENTION_DAYS: '0' }).message).toMatch(/EMAIL_HISTORY_RETENTION_DAYS/);
    expect(problemsOf({ EMAIL_HISTORY_RETENTION_DAYS: '1.5' }).message).toMatch(
      /EMAIL_HISTORY_RETENTION_DAYS/,
    );
  });
});
