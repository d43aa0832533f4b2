/** Signed-in sessions for `npm run bench` (scripts/bench.ts) to refresh and read. */
import { buildContainer } from '../../src/composition-root';
import { loadConfig } from '../../src/platform/config/config';
import { describeStorage } from '../../src/platform/config/describe-storage';
import { createLogger } from '../../src/platform/logger';
import type { Mailer, OutgoingEmail } from '../../src/modules/email/email.ports';

export function captureMailer(): Mailer & { codes: Map<string, string> } {
  const codes = new Map<string, string>();
  return {
    name: 'bench-capture',
    codes,
    async send(m: OutgoingEmail) {
      codes.set(m.to, /\b(\d{6})\b/.exec(m.text)?.[1] ?? '');
      return { messageId: 'bench' };
    },
  };
}

/** `count` sessions, signed in through the same code paths as the service's (no Redis needed here). */
export async function signInSessions(env: NodeJS.ProcessEnv, count: number) {
  const mailer = captureMailer();
  const setupConfig = loadConfig({ ...env, REDIS_URL: '', NODE_ENV: 'test', EMAIL_TRANSPORT: 'console' });
  console.log(`database: ${describeStorage(setupConfig.storage)}`);
  const setup = await buildContainer(setupConfig, {
    mailer,
    logger: createLogger({ level: 'error', silent: true }),
  });
  const sessions: Array<{ accessToken: string; refreshToken: string }> = [];
  // Refresh chains: a run loses the tokens in flight when it stops, so keep plenty in reserve.
  for (let i = 0; i < count; i++) {
    const email = `bench-session-${i}@example.com`;
    await setup.otp.request(email, { ip: `10.250.${i}.1`, locale: 'en' });
    await setup.queue.drain();
    sessions.push(await setup.otp.verify(email, mailer.codes.get(email) ?? '', { ip: `10.250.${i}.1` }));
  }
  await setup.close();
  return sessions;
}
