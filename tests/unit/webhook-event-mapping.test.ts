/** How each email provider's webhook payloads map to delivery events (pure functions, no app): SendGrid, Mailgun and SES. */
import { readMailgunEvent } from '../../src/modules/email/webhooks/mailgun.webhook';
import { readSendGridEvents } from '../../src/modules/email/webhooks/sendgrid.webhook';
import { readSesNotification } from '../../src/modules/email/webhooks/ses.webhook';

describe('SendGrid event mapping', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  it.each([
    ['processed', 'accepted'],
    ['click', 'click'],
    ['unsubscribe', 'unsubscribe'],
    ['group_unsubscribe', 'unsubscribe'],
    ['group_resubscribe', 'other'],
  ])('when SendGrid reports %s, then the type is %s', (name, type) => {
    const [e] = readSendGridEvents([{ event: name, sg_event_id: 'id', timestamp: 'not-a-number' }], at);
    expect(e).toMatchObject({ type, occurredAt: at });
    expect([e.providerMessageId, e.suppress]).toEqual([undefined, undefined]);
  });
});

describe('Mailgun event mapping', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  it.each([
    [{ event: 'accepted' }, 'accepted', undefined],
    [{ event: 'delivered' }, 'delivered', undefined],
    [{ event: 'failed', severity: 'temporary' }, 'deferred', undefined],
    [{ event: 'failed', severity: 'permanent' }, 'bounce', 'bounce'],
    [{ event: 'rejected' }, 'dropped', undefined],
    [{ event: 'opened' }, 'open', undefined],
    [{ event: 'clicked' }, 'click', undefined],
    [{ event: 'complained' }, 'complaint', 'complaint'],
    [{ event: 'unsubscribed' }, 'unsubscribe', undefined],
    [{ event: 'list_member_uploaded' }, 'other', undefined],
  ])('when Mailgun reports %j, then the type is %s and the suppression %s', (fields, type, suppress) => {
    const e = readMailgunEvent({ id: 'ev', recipient: 'a@example.com', ...fields }, at);
    expect(e).toMatchObject({ provider: 'mailgun', providerEventId: 'ev', type, occurredAt: at });
    expect(e.suppress).toBe(suppress);
  });

  it('when the message id comes in angle brackets, then they are dropped to match what the send returned', () => {
    const e = readMailgunEvent(
      {
        id: 'ev',
        event: 'delivered',
        timestamp: 1767225600.5,
        message: { headers: { 'message-id': '<abc@mg.example.com>' } },
      },
      at,
    );
    expect(e.providerMessageId).toBe('abc@mg.example.com');
    expect(e.occurredAt.toISOString()).toBe('2026-01-01T00:00:00.500Z');
  });
});

describe('SES event mapping', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const read = (msg: object) => readSesNotification(JSON.stringify(msg), 'sns-1', at);
  it.each([
    ['Send', 'accepted'],
    ['Delivery', 'delivered'],
    ['Reject', 'dropped'],
    ['DeliveryDelay', 'deferred'],
    ['Open', 'open'],
    ['Click', 'click'],
    ['Subscription', 'unsubscribe'],
    ['Rendering Failure', 'other'],
  ])('when SES reports %s, then the event type is %s and nothing is suppressed', (eventType, type) => {
    const [event] = read({ eventType, mail: { messageId: 'm', destination: ['a@example.com'] } });
    expect(event).toMatchObject({ provider: 'ses', providerEventId: 'sns-1', providerMessageId: 'm', type });
    expect(event.suppress).toBeUndefined();
  });

  it('when a bounce names several recipients, then each gets its own event id and suppression', () => {
    const events = read({
      notificationType: 'Bounce',
      mail: { messageId: 'm', timestamp: '2025-12-31T23:59:00.000Z' },
      bounce: {
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: 'a@example.com' }, { emailAddress: 'b@example.com' }],
      },
    });
    expect(events.map((e) => [e.providerEventId, e.email, e.suppress])).toEqual([
      ['sns-1', 'a@example.com', 'bounce'],
      ['sns-1#1', 'b@example.com', 'bounce'],
    ]);
    expect(events[0].occurredAt.toISOString()).toBe('2025-12-31T23:59:00.000Z');
  });

  it('when the message is not an SES event object, then there is nothing to apply, or an event with no recipient', () => {
    expect(readSesNotification('[1,2]', 'sns-2', at)).toEqual([]);
    expect(readSesNotification('not json', 'sns-3', at)).toEqual([]);
    expect(read({ eventType: 'Open' })).toEqual([
      expect.objectContaining({
        type: 'open',
        email: undefined,
        providerMessageId: undefined,
        occurredAt: at,
      }),
    ]);
  });
});
