import { AppError } from '../../src/platform/errors/app-error';
import { createTestPglite } from '../helpers/pglite';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The service functions the admin API calls (container.suppressions, container.deliveries)
 * and the suppression check in the OTP flow, against the real app on PGlite.
 */
describe('suppression list and delivery status', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const request = async (email: string) => {
    const res = await t.http.post('/v1/otp/request').send({ email });
    await t.container.queue.drain();
    return res;
  };

  it('when an admin suppresses an address, then requests for it still get 202 but no email, and lifting it restores mail', async () => {
    const { suppression, created } = await t.container.suppressions.add(' Quiet@Example.COM'.trim());
    expect(created).toBe(true);
    expect(suppression).toMatchObject({ email: 'quiet@example.com', reason: 'manual', source: 'admin' });
    expect(t.logs.some((l) => l.event === 'email.suppression.added' && typeof l.emailHash === 'string')).toBe(
      true,
    );

    const res = await request('quiet@example.com');
    expect(res.status).toBe(202);
    expect(t.mailer.to('quiet@example.com')).toHaveLength(0);
    const skipped = await t.container.metrics.registry.metrics();
    expect(skipped).toMatch(/^emails_suppressed_total 1$/m);

    expect(await t.container.suppressions.remove('QUIET@example.com')).toBe(true);
    expect(await t.container.suppressions.remove('quiet@example.com')).toBe(false);
    t.clock.advance(61_000);
    expect((await request('quiet@example.com')).status).toBe(202);
    expect(t.mailer.to('quiet@example.com')).toHaveLength(1);
  });

  it('when an address is added twice, then the first entry and its reason are kept', async () => {
    await t.container.suppressions.add('twice@example.com', { reason: 'bounce', source: 'ses' });
    const second = await t.container.suppressions.add('twice@example.com');
    expect(second).toMatchObject({ created: false, suppression: { reason: 'bounce', source: 'ses' } });
  });

  it('when the list is read in pages, then each entry comes once, newest first, and the last page has no cursor', async () => {
    const emails = ['p1@example.com', 'p2@example.com', 'p3@example.com'];
    for (const email of emails) {
      t.clock.advance(1000);
      await t.container.suppressions.add(email, { reason: 'complaint', source: 'mailgun' });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.container.suppressions.list(cursor, 2);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((s) => s.email));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual([...emails].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when the cursor or the address is not valid, then a 400 invalid_request names the field', async () => {
    await expect(t.container.suppressions.list('not-a-cursor')).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
      errors: [{ field: 'cursor' }],
    });
    for (const call of [
      () => t.container.suppressions.add('no-at-sign'),
      () => t.container.suppressions.remove('a@b'),
      () => t.container.suppressions.find('x\r\nBcc: y@example.com'),
      () => t.container.deliveries.recentMessagesFor('nope'),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(AppError);
    }
    expect(await t.container.suppressions.isSuppressed('no-at-sign')).toBe(false);
  });

  it('when an address received mail and events, then its delivery report lists messages newest first with their events', async () => {
    t.clock.advance(3_600_000);
    await request('report@example.com');
    t.clock.advance(61_000);
    await request('report@example.com');
    const [newest, oldest] = (await t.container.deliveries.recentMessagesFor('Report@Example.com')).messages;
    expect(newest.createdAt.getTime()).toBeGreaterThan(oldest.createdAt.getTime());
    expect(newest).toMatchObject({ provider: 'recording', status: 'sent', events: [] });

    // A provider event for the older message (the recording mailer's ids stand in for a provider's).
    await t.container.emailEvents.apply([
      {
        provider: 'recording' as never,
        providerEventId: 'ev-report-1',
        providerMessageId: oldest.providerMessageId as string,
        type: 'delivered',
        occurredAt: t.clock.now(),
      },
    ]);
    const report = await t.container.deliveries.recentMessagesFor('report@example.com', 1);
    expect(report.messages).toHaveLength(1);
    const again = await t.container.deliveries.recentMessagesFor('report@example.com');
    expect(again.messages[1]).toMatchObject({ status: 'delivered', events: [{ type: 'delivered' }] });
    expect(again.suppression).toBeNull();
  });

  it('when the sweep runs, then delivery history older than 30 days (the default) is removed, newer kept', async () => {
    await request('old@example.com');
    expect((await t.container.deliveries.recentMessagesFor('old@example.com')).messages).toHaveLength(1);
    t.clock.advance(29 * 86_400_000);
    await t.container.sweep();
    expect((await t.container.deliveries.recentMessagesFor('old@example.com')).messages).toHaveLength(1);
    t.clock.advance(2 * 86_400_000);
    await t.container.sweep();
    expect((await t.container.deliveries.recentMessagesFor('old@example.com')).messages).toHaveLength(0);
  });

  it('when EMAIL_HISTORY_RETENTION_DAYS is 3, then the sweep removes history older than 3 days', async () => {
    const short = await createTestApp({ env: { EMAIL_HISTORY_RETENTION_DAYS: '3' } });
    try {
      await short.http.post('/v1/otp/request').send({ email: 'brief@example.com' }).expect(202);
      await short.container.queue.drain();
      const messages = async () =>
        (await short.container.deliveries.recentMessagesFor('brief@example.com')).messages;
      expect(await messages()).toHaveLength(1);
      short.clock.advance(2 * 86_400_000);
      await short.container.sweep();
      expect(await messages()).toHaveLength(1);
      short.clock.advance(2 * 86_400_000);
      await short.container.sweep();
      expect(await messages()).toHaveLength(0);
    } finally {
      await short.close();
    }
  });
});

describe('suppression check overrides and recording faults', () => {
  // Every store reads the list while admitting the request (on MongoDB inside the same
  // transaction: tests/contract/admit-code-request.suite.ts holds both families to it).
  it('when the store admits a request for a listed address, then the OTP flow mails nothing and counts it', async () => {
    const t = await createTestApp();
    try {
      await t.container.suppressions.add('listed@example.com');
      await t.http.post('/v1/otp/request').send({ email: 'listed@example.com' }).expect(202);
      await t.http.post('/v1/otp/request').send({ email: 'open@example.com' }).expect(202);
      await t.container.queue.drain();
      expect(t.mailer.sent.map((m) => m.to)).toEqual(['open@example.com']);
      expect(await t.container.metrics.registry.metrics()).toMatch(/^emails_suppressed_total 1$/m);
    } finally {
      await t.close();
    }
  });

  it('when a test passes its own suppression check, then the OTP flow uses it instead of the list', async () => {
    const t = await createTestApp({
      overrides: { suppressions: { isSuppressed: async (e) => e.startsWith('blocked') } },
    });
    try {
      await t.container.suppressions.add('listed@example.com');
      await t.http.post('/v1/otp/request').send({ email: 'blocked@example.com' });
      await t.http.post('/v1/otp/request').send({ email: 'listed@example.com' });
      await t.container.queue.drain();
      expect(t.mailer.sent.map((m) => m.to)).toEqual(['listed@example.com']);
    } finally {
      await t.close();
    }
  });

  it('when recording a sent message fails, then the email still goes out once and a warning is logged', async () => {
    const real = createSqlStore(await createTestPglite());
    const store = {
      ...real,
      emailMessages: {
        ...real.emailMessages,
        create: async () => {
          throw new Error('disk full');
        },
      },
    };
    const t = await createTestApp({ overrides: { store } });
    try {
      await t.requestCode('ok@example.com');
      expect(t.mailer.to('ok@example.com')).toHaveLength(1);
      expect(t.logs.some((l) => l.event === 'email.record_failed')).toBe(true);
      expect(t.logs.some((l) => l.event === 'email.failed')).toBe(false);
    } finally {
      await t.close();
    }
  });
});
