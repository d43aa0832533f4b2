import { randomBytes, randomUUID } from 'node:crypto';
import type { EmailMessage, EmailMessageStatus } from '../../src/modules/email/email.ports';
import type { Store } from '../../src/store/store';

/**
 * The contract of the email repositories (suppressions, emailMessages, emailEvents), written
 * against the Store interface only, so every storage adapter (PGlite, PostgreSQL, MongoDB)
 * runs the same suite. Tests share one store and never depend on each other: each uses its
 * own addresses and ids, and whole-table methods (list, deleteBefore) use private time windows.
 */
export interface MailContractOptions {
  /** Resolves false when the backing server is missing: every test then returns at once. */
  available?: () => Promise<boolean>;
}

const SECOND = 1_000;
const DAY = 86_400 * SECOND;
const hex = (bytes = 6) => randomBytes(bytes).toString('hex');
const uniqueEmail = (tag: string) => `${tag}-${hex()}@d${hex()}.example.com`;
/** A whole second: every adapter stores it exactly. */
const now = () => new Date(Math.floor(Date.now() / SECOND) * SECOND);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
/** A random instant in [fromYear, fromYear + spanYears): one test's private window. */
const windowIn = (fromYear: number, spanYears: number) =>
  new Date(Date.UTC(fromYear, 0, 1) + Math.floor(Math.random() * spanYears * 365) * DAY);

function newMessage(overrides: Partial<Omit<EmailMessage, 'id' | 'updatedAt'>> = {}) {
  return {
    otpId: randomUUID(),
    email: uniqueEmail('msg'),
    provider: 'sendgrid',
    providerMessageId: `pm-${hex()}`,
    status: 'sent' as EmailMessageStatus,
    createdAt: now(),
    ...overrides,
  };
}

export function runMailRepositoryContract(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup: () => Promise<void> }>,
  options: MailContractOptions = {},
): void {
  describe(`email repository contract: ${name}`, () => {
    let store: Store | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    let skipped = false;

    beforeAll(async () => {
      if (options.available && !(await options.available())) {
        skipped = true;
        return;
      }
      ({ store, cleanup } = await makeStore());
      await store.migrate();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    const test = (title: string, fn: (s: Store) => Promise<void>) =>
      it(title, async () => {
        if (skipped) return;
        if (!store) throw new Error('the store was not created');
        await fn(store);
      });

    describe('suppressions', () => {
      test('when an address is added, then it is found with its reason, source and time', async (s) => {
        const email = uniqueEmail('sup');
        const at = now();
        expect(await s.suppressions.add({ email, reason: 'bounce', source: 'sendgrid', createdAt: at })).toBe(
          true,
        );
        expect(await s.suppressions.find(email)).toEqual({
          email,
          reason: 'bounce',
          source: 'sendgrid',
          createdAt: at,
        });
      });

      test('when an address is added twice, then the first entry is kept and the second reports false', async (s) => {
        const email = uniqueEmail('sup');
        const at = now();
        await s.suppressions.add({ email, reason: 'bounce', source: 'ses', createdAt: at });
        expect(
          await s.suppressions.add({
            email,
            reason: 'dropped',
            source: 'sendgrid',
            createdAt: plus(at, 5000),
          }),
        ).toBe(false);
        expect(await s.suppressions.find(email)).toMatchObject({
          reason: 'bounce',
          source: 'ses',
          createdAt: at,
        });
      });

      test('when an address is removed, then it is gone, and removing it again reports false', async (s) => {
        const email = uniqueEmail('sup');
        await s.suppressions.add({ email, reason: 'manual', source: 'admin', createdAt: now() });
        expect(await s.suppressions.remove(email)).toBe(true);
        expect(await s.suppressions.find(email)).toBeUndefined();
        expect(await s.suppressions.remove(email)).toBe(false);
      });

      test('when an unknown address is looked up, then nothing is found', async (s) => {
        expect(await s.suppressions.find(uniqueEmail('nobody'))).toBeUndefined();
      });

      test('when listed in pages, then entries come newest first, each once, ties broken by email', async (s) => {
        // A private window far in the future: other tests' rows are all older and sort after these.
        const base = windowIn(2400, 50);
        const emails = Array.from({ length: 5 }, () => uniqueEmail('page'));
        // Two share a timestamp, so the email tiebreak is exercised.
        const times = [0, 1000, 1000, 2000, 3000].map((ms) => plus(base, ms));
        for (let i = 0; i < emails.length; i += 1) {
          await s.suppressions.add({
            email: emails[i],
            reason: 'complaint',
            source: 'ses',
            createdAt: times[i],
          });
        }
        const first = await s.suppressions.list({ limit: 2 });
        const second = await s.suppressions.list({
          limit: 2,
          before: { createdAt: first[1].createdAt, email: first[1].email },
        });
        const third = await s.suppressions.list({
          limit: 1,
          before: { createdAt: second[1].createdAt, email: second[1].email },
        });
        const seen = [...first, ...second, ...third].map((x) => x.email);
        const expected = emails
          .map((email, i) => ({ email, at: times[i].getTime() }))
          .sort((a, b) => b.at - a.at || (a.email < b.email ? 1 : -1))
          .map((x) => x.email);
        expect(seen).toEqual(expected);
      });

      test('when a reason outside the allowed set is stored, then the store refuses it', async (s) => {
        await expect(
          s.suppressions.add({
            email: uniqueEmail('bad'),
            reason: 'whatever' as never,
            source: 'admin',
            createdAt: now(),
          }),
        ).rejects.toThrow();
      });
    });

    describe('emailMessages', () => {
      test('when a message is created, then it is found by id and by provider message id', async (s) => {
        const input = newMessage();
        const created = await s.emailMessages.create(input);
        expect(created).toEqual({ ...input, id: expect.any(String), updatedAt: input.createdAt });
        expect(await s.emailMessages.findById(created.id)).toEqual(created);
        expect(
          await s.emailMessages.findByProviderMessageId('sendgrid', input.providerMessageId as string),
        ).toEqual(created);
      });

      test('when another provider uses the same message id, then each provider finds only its own', async (s) => {
        const shared = `pm-${hex()}`;
        const a = await s.emailMessages.create(newMessage({ provider: 'ses', providerMessageId: shared }));
        const b = await s.emailMessages.create(
          newMessage({ provider: 'mailgun', providerMessageId: shared }),
        );
        expect((await s.emailMessages.findByProviderMessageId('ses', shared))?.id).toBe(a.id);
        expect((await s.emailMessages.findByProviderMessageId('mailgun', shared))?.id).toBe(b.id);
        expect(await s.emailMessages.findByProviderMessageId('sendgrid', shared)).toBeUndefined();
      });

      test('when a message failed before any provider took it, then it is stored without an id', async (s) => {
        const created = await s.emailMessages.create(
          newMessage({ providerMessageId: null, status: 'failed' }),
        );
        expect(created).toMatchObject({ providerMessageId: null, status: 'failed' });
      });

      test('when its status advances from an allowed state, then it moves and updatedAt follows', async (s) => {
        const m = await s.emailMessages.create(newMessage({ status: 'sent' }));
        const later = plus(m.createdAt, 60_000);
        expect(await s.emailMessages.advanceStatus(m.id, 'delivered', ['queued', 'sent'], later)).toBe(true);
        expect(await s.emailMessages.findById(m.id)).toMatchObject({
          status: 'delivered',
          updatedAt: later,
          createdAt: m.createdAt,
        });
      });

      test('when its status is not one the move allows, then nothing changes', async (s) => {
        const m = await s.emailMessages.create(newMessage({ status: 'delivered' }));
        expect(await s.emailMessages.advanceStatus(m.id, 'deferred', ['queued', 'sent'], now())).toBe(false);
        expect(await s.emailMessages.findById(m.id)).toMatchObject({
          status: 'delivered',
          updatedAt: m.createdAt,
        });
      });

      test('when an address has several messages, then the newest come first, up to the limit', async (s) => {
        const email = uniqueEmail('recent');
        const base = now();
        for (let i = 0; i < 4; i += 1) {
          await s.emailMessages.create(
            newMessage({ email, providerMessageId: `n${i}`, createdAt: plus(base, i * 1000) }),
          );
        }
        await s.emailMessages.create(newMessage()); // someone else's
        const recent = await s.emailMessages.listRecentForEmail(email, 3);
        expect(recent.map((m) => m.providerMessageId)).toEqual(['n3', 'n2', 'n1']);
      });

      test('when old messages are deleted, then only those created before the cutoff go, with their events', async (s) => {
        const cutoff = windowIn(1900, 50);
        const old = await s.emailMessages.create(newMessage({ createdAt: plus(cutoff, -DAY) }));
        const kept = await s.emailMessages.create(newMessage({ createdAt: plus(cutoff, DAY) }));
        await s.emailEvents.recordOnce({
          provider: 'sendgrid',
          providerEventId: `ev-${hex()}`,
          messageId: old.id,
          type: 'delivered',
          occurredAt: plus(cutoff, DAY),
        });
        expect(await s.emailMessages.deleteBefore(cutoff)).toBeGreaterThanOrEqual(1);
        expect(await s.emailMessages.findById(old.id)).toBeUndefined();
        expect(await s.emailMessages.findById(kept.id)).toBeDefined();
        expect(await s.emailEvents.listForMessages([old.id])).toEqual([]);
      });
    });

    describe('emailEvents', () => {
      test('when an event is recorded twice, then the second is refused and one copy is kept', async (s) => {
        const m = await s.emailMessages.create(newMessage());
        const event = {
          provider: 'sendgrid',
          providerEventId: `ev-${hex()}`,
          messageId: m.id,
          type: 'bounce',
          occurredAt: now(),
        };
        expect(await s.emailEvents.recordOnce(event)).toBe(true);
        expect(await s.emailEvents.recordOnce({ ...event, type: 'delivered' })).toBe(false);
        expect(await s.emailEvents.listForMessages([m.id])).toEqual([event]);
      });

      test('when racing copies of one event are recorded at once, then exactly one wins', async (s) => {
        const event = {
          provider: 'mailgun',
          providerEventId: `ev-${hex()}`,
          messageId: null,
          type: 'delivered',
          occurredAt: now(),
        };
        const results = await Promise.all(Array.from({ length: 5 }, () => s.emailEvents.recordOnce(event)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      test('when two providers use the same event id, then both are kept', async (s) => {
        const id = `ev-${hex()}`;
        const base = { providerEventId: id, messageId: null, type: 'open', occurredAt: now() };
        expect(await s.emailEvents.recordOnce({ ...base, provider: 'sendgrid' })).toBe(true);
        expect(await s.emailEvents.recordOnce({ ...base, provider: 'ses' })).toBe(true);
      });

      test('when events of several messages are listed, then each comes with its message, oldest first', async (s) => {
        const a = await s.emailMessages.create(newMessage());
        const b = await s.emailMessages.create(newMessage());
        const t = now();
        const ev = (messageId: string, type: string, ms: number) => ({
          provider: 'ses',
          providerEventId: `ev-${hex()}`,
          messageId,
          type,
          occurredAt: plus(t, ms),
        });
        await s.emailEvents.recordOnce(ev(a.id, 'delivered', 2000));
        await s.emailEvents.recordOnce(ev(a.id, 'accepted', 1000));
        await s.emailEvents.recordOnce(ev(b.id, 'bounce', 1500));
        const listed = await s.emailEvents.listForMessages([a.id, b.id]);
        expect(listed.map((e) => [e.messageId, e.type])).toEqual([
          [a.id, 'accepted'],
          [b.id, 'bounce'],
          [a.id, 'delivered'],
        ]);
        expect(await s.emailEvents.listForMessages([])).toEqual([]);
      });

      test('when old events are deleted, then only those that occurred before the cutoff go', async (s) => {
        const cutoff = windowIn(1800, 50);
        const old = { provider: 'ses', providerEventId: `ev-${hex()}`, messageId: null, type: 'open' };
        await s.emailEvents.recordOnce({ ...old, occurredAt: plus(cutoff, -1000) });
        expect(await s.emailEvents.deleteBefore(cutoff)).toBeGreaterThanOrEqual(1);
        // Gone, so the same id can be recorded again.
        expect(await s.emailEvents.recordOnce({ ...old, occurredAt: plus(cutoff, -1000) })).toBe(true);
      });
    });

    describe('in a transaction', () => {
      test('when the work fails, then an event, a suppression and a status move are all rolled back', async (s) => {
        const m = await s.emailMessages.create(newMessage());
        const email = uniqueEmail('tx');
        const event = {
          provider: 'sendgrid',
          providerEventId: `ev-${hex()}`,
          messageId: m.id,
          type: 'bounce',
          occurredAt: now(),
        };
        await expect(
          s.transaction(async (tx) => {
            await tx.emailEvents.recordOnce(event);
            await tx.suppressions.add({ email, reason: 'bounce', source: 'sendgrid', createdAt: now() });
            await tx.emailMessages.advanceStatus(m.id, 'bounced', ['sent'], now());
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await s.suppressions.find(email)).toBeUndefined();
        expect((await s.emailMessages.findById(m.id))?.status).toBe('sent');
        expect(await s.emailEvents.recordOnce(event)).toBe(true);
      });
    });
  });
}
