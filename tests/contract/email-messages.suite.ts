import { DAY, hex, uniqueEmail, now, plus, windowIn, newMessage } from './fixtures';
import type { ContractSuite } from './harness';

export const emailMessagesSuite: ContractSuite = ({ test }) => {
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
      const b = await s.emailMessages.create(newMessage({ provider: 'mailgun', providerMessageId: shared }));
      expect((await s.emailMessages.findByProviderMessageId('ses', shared))?.id).toBe(a.id);
      expect((await s.emailMessages.findByProviderMessageId('mailgun', shared))?.id).toBe(b.id);
      expect(await s.emailMessages.findByProviderMessageId('sendgrid', shared)).toBeUndefined();
    });

    test('when a message failed before any provider took it, then it is stored without an id', async (s) => {
      const created = await s.emailMessages.create(newMessage({ providerMessageId: null, status: 'failed' }));
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

    test("when an address's history is forgotten, then its messages and their events go, others stay", async (s) => {
      const email = uniqueEmail('erased');
      const mine = [
        await s.emailMessages.create(newMessage({ email })),
        await s.emailMessages.create(newMessage({ email })),
      ];
      const other = await s.emailMessages.create(newMessage());
      const event = { provider: 'sendgrid', type: 'delivered', occurredAt: now() };
      await s.emailEvents.recordOnce({ ...event, providerEventId: `ev-${hex()}`, messageId: mine[0].id });
      await s.emailEvents.recordOnce({ ...event, providerEventId: `ev-${hex()}`, messageId: other.id });
      expect(await s.emailMessages.deleteForEmail(email)).toBe(2);
      expect(await s.emailMessages.listRecentForEmail(email, 10)).toEqual([]);
      expect(await s.emailEvents.listForMessages([mine[0].id])).toEqual([]);
      expect(await s.emailEvents.listForMessages([other.id])).toHaveLength(1);
      expect(await s.emailMessages.deleteForEmail(email)).toBe(0);
    });
  });
};
