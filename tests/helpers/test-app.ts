import { Writable } from 'node:stream';
import type { Express } from 'express';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { buildContainer, type Container, type Overrides } from '../../src/composition-root';
import { loadConfig } from '../../src/platform/config/config';
import { createLogger } from '../../src/platform/logger';
import { ManualClock } from '../../src/platform/clock';
import { createTempDatabase } from './databases';
import { RecordingMailer } from './recording-mailer';
import { missingServices } from './services';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestApp {
  app: Express;
  container: Container;
  mailer: RecordingMailer;
  clock: ManualClock;
  /** Every log line written, parsed. */
  logs: Array<Record<string, unknown>>;
  rawLogs: string[];
  http: ReturnType<typeof supertest>;
  /** Requests a code for `email`, waits for the mail worker, and returns the code. */
  requestCode(email: string, ip?: string): Promise<string>;
  /** Full sign-in: request + verify; returns the verify body. */
  signIn(
    email: string,
  ): Promise<{ accessToken: string; refreshToken: string; session: { id: string }; user: { id: string } }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Default: the PostgreSQL server when this run has one (a fresh database per app, about
   * 0.1 s), else in-memory PGlite (about 0.6 s to start). Suites about the embedded store, and
   * the `describeEachStorage` ones, ask for `pglite` by name.
   */
  storage?: 'pglite' | 'postgres';
  env?: Record<string, string>;
  overrides?: Overrides;
  /** Share an existing PostgreSQL database (multi-instance tests). */
  postgresUrl?: string;
}

/**
 * Starts the real app from the composition root against a real database (a fresh database on
 * the PostgreSQL server, or in-memory PGlite), with a recording mailer, a manual clock and
 * a captured logger at debug level. Nothing of ours is mocked.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  let dropDb: (() => Promise<void>) | undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    SESSION_SECRET: TEST_SECRET,
    LOG_LEVEL: 'debug',
    RATE_LIMIT_MAX_REQUESTS: '10000',
    VERIFY_RATE_LIMIT_PER_5_MIN: '10000',
    REFRESH_RATE_LIMIT_PER_5_MIN: '10000',
    OTP_MAX_PER_IP_PER_HOUR: '10000',
    ...options.env,
  };
  const serverAvailable = () => missingServices('postgres').length === 0;
  const storage = options.storage ?? (!options.overrides?.store && serverAvailable() ? 'postgres' : 'pglite');
  if (storage === 'postgres') {
    if (options.postgresUrl) env.POSTGRESQL_URL = options.postgresUrl;
    else {
      const db = await createTempDatabase();
      env.POSTGRESQL_URL = db.url;
      dropDb = db.drop;
    }
  }
  const config = loadConfig(env);
  const rawLogs: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      const line = chunk.toString();
      rawLogs.push(line);
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ unparsable: line });
      }
      cb();
    },
  });
  const mailer = new RecordingMailer();
  const clock = new ManualClock(new Date());
  let store = options.overrides?.store;
  if (!store && storage === 'pglite') {
    const { createTestPglite } = await import('./pglite');
    const { createSqlStore } = await import('../../src/store/sql/sql-store');
    store = createSqlStore(await createTestPglite());
  }
  const container = await buildContainer(config, {
    clock,
    mailer,
    logger: createLogger({ level: 'debug', stream }),
    mailRetry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options.overrides,
    store,
  });
  const app = createApp(container);
  const http = supertest(app);

  const requestCode = async (email: string, ip = '127.0.0.1') => {
    const res = await http.post('/v1/otp/request').set('X-Forwarded-For', ip).send({ email });
    if (res.status !== 202) throw new Error(`request failed: ${res.status} ${JSON.stringify(res.body)}`);
    await container.queue.drain();
    return mailer.lastCode(email.toLowerCase());
  };

  const signIn = async (email: string) => {
    const code = await requestCode(email);
    const res = await http.post('/v1/otp/verify').send({ email, code });
    if (res.status !== 200) throw new Error(`verify failed: ${res.status} ${JSON.stringify(res.body)}`);
    // Later requests for the same email would otherwise hit the resend cooldown.
    clock.advance(config.otp.resendCooldownSeconds * 1000 + 1000);
    return res.body;
  };

  return {
    app,
    container,
    mailer,
    clock,
    logs,
    rawLogs,
    http,
    requestCode,
    signIn,
    async close() {
      await container.close();
      await dropDb?.();
    },
  };
}
