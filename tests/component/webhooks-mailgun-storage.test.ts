/** The Mailgun webhook when the database fails: 503, nothing applied, and the retry applied once. */
import { createHmac, randomBytes } from 'node:crypto';
import { UnavailableError } from '../../src/platform/errors/app-error';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { createTestPglite } from '../helpers/pglite';
import { createTestApp } from '../helpers/test-app';
import { MailgunLikeMailer, PATH, SIGNING_KEY } from './webhooks-mailgun-fixtures';

describe('POST /v1/webhooks/mailgun when storage fails', () => {
  it("when the database is unavailable, then 503 with nothing applied, and Mailgun's retry of the same request is applied once", async () => {
    const real = createSqlStore(await createTestPglite());
    let failNext = false;
    const store = {
      ...real,
      transaction: <T>(work: Parameters<typeof real.transaction<T>>[0]) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new UnavailableError('database unavailable'));
        }
        return real.transaction(work);
      },
    };
    const t = await createTestApp({
      env: { MAILGUN_WEBHOOK_SIGNING_KEY: SIGNING_KEY },
      overrides: { store, mailer: new MailgunLikeMailer() },
    });
    try {
      expect((await t.http.post('/v1/otp/request').send({ email: 'retry@example.com' })).status).toBe(202);
      await t.container.queue.drain();
      const [sent] = (await t.container.deliveries.recentMessagesFor('retry@example.com')).messages;
      const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
      const token = randomBytes(25).toString('hex');
      const signature = createHmac('sha256', SIGNING_KEY)
        .update(timestamp + token)
        .digest('hex');
      const payload = JSON.stringify({
        signature: { timestamp, token, signature },
        'event-data': {
          id: 'mgev-retry',
          event: 'complained',
          recipient: 'retry@example.com',
          timestamp: Number(timestamp),
          message: { headers: { 'message-id': sent.providerMessageId } },
        },
      });
      const post = () => t.http.post(PATH).set('Content-Type', 'application/json').send(payload);

      failNext = true;
      const first = await post();
      expect(first.status).toBe(503);
      expect(first.headers['retry-after']).toBeDefined();
      expect(await t.container.suppressions.isSuppressed('retry@example.com')).toBe(false);

      expect((await post()).status).toBe(204);
      expect(await t.container.suppressions.isSuppressed('retry@example.com')).toBe(true);
      // Now that it was applied, the same token is a replay.
      expect((await post()).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
