import { hex, now, plus, windowIn, newMessage } from './fixtures';
import type { ContractSuite } from './harness';

export const emailEventsSuite: ContractSuite = ({ test }) => {
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
};
