import {
  createFallbackMailer,
  withCircuitBreaker,
} from '../../../src/modules/email/transports/fallback.mailer';
import { createLogger } from '../../../src/platform/logger';
import { parseRetryAfter } from '../../../src/modules/email/transports/provider-errors';
import { MailError } from '../../../src/modules/email/transports/mail-error';
import type { OutgoingEmail } from '../../../src/modules/email/email.ports';
import { HTTP_PROVIDERS, mailgun, sendgrid } from './provider-cases';
import { startProviderStub, type ProviderStub } from './provider-stub';

const message = (to = 'ada@example.com'): OutgoingEmail => ({
  to,
  subject: 'Your code',
  text: 'Your code is 123456',
  html: '<p>Your code is <b>123456</b></p>',
  idempotencyKey: 'otp-0b4d1f6e-key',
});

async function failureOf(p: Promise<unknown>): Promise<MailError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MailError);
    return err as MailError;
  }
  throw new Error('the send succeeded');
}

describe.each(HTTP_PROVIDERS)('$name mailer against a local stand-in of its API', (provider) => {
  let stub: ProviderStub;
  beforeEach(async () => {
    stub = await startProviderStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  it('when the API accepts, then the provider message id comes back and the request carries recipient, key and credentials', async () => {
    stub.reply(provider.accepted);
    const result = await provider.mailer(stub.url, 2_000).send(message());
    expect(result).toEqual({ messageId: provider.acceptedId, provider: provider.name });
    expect(stub.requests).toHaveLength(1);
    const [req] = stub.requests;
    provider.expectSendRequest(req);
    expect(provider.recipientOf(req)).toBe('ada@example.com');
    expect(provider.keyOf(req)).toBe('otp-0b4d1f6e-key');
    expect(provider.textOf(req)).toContain('123456');
  });

  it('when the API refuses the address with 400, then the failure is permanent', async () => {
    stub.reply(provider.invalidAddress);
    const err = await failureOf(provider.mailer(stub.url, 2_000).send(message('not-an-address')));
    expect(err.permanent).toBe(true);
    expect(err.message).toContain('400');
  });

  it('when the API throttles with 429 and Retry-After, then the failure is transient and carries the wait', async () => {
    stub.reply(provider.throttled(7));
    const err = await failureOf(provider.mailer(stub.url, 2_000).send(message()));
    expect(err.permanent).toBe(false);
    expect(err.retryAfterMs).toBe(provider.readsRetryAfter ? 7_000 : undefined);
  });

  it('when the API fails with 500, then the failure is transient', async () => {
    stub.reply(provider.serverError);
    const err = await failureOf(provider.mailer(stub.url, 2_000).send(message()));
    expect(err.permanent).toBe(false);
    expect(err.retryAfterMs).toBeUndefined();
  });

  it('when the API accepts the connection and never answers, then the client gives up at its timeout, transiently', async () => {
    stub.reply('hang');
    const started = Date.now();
    const err = await failureOf(provider.mailer(stub.url, 500).send(message()));
    expect(err.permanent).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    // One request: the client does not retry on its own (the queue owns retries).
    expect(stub.requests).toHaveLength(1);
  });

  it('when nothing listens at the endpoint, then the failure is transient', async () => {
    const url = stub.url;
    await stub.close();
    const err = await failureOf(provider.mailer(url, 1_000).send(message()));
    expect(err.permanent).toBe(false);
  });

  it('when the API answers 401 (a revoked key), then the failure is transient so a fallback can deliver', async () => {
    stub.reply({ status: 401, body: { errors: [{ message: 'unauthorized' }], message: 'Forbidden' } });
    const err = await failureOf(provider.mailer(stub.url, 2_000).send(message()));
    expect(err.permanent).toBe(false);
  });

  it('when a provider error is reported, then the message names no credential', async () => {
    stub.reply(provider.invalidAddress);
    const err = await failureOf(provider.mailer(stub.url, 2_000).send(message()));
    expect(`${err.message} ${String(err.cause ?? '')}`).not.toMatch(/SG\.test-key|key-test|secret-test/);
    expect(err.cause).toBeUndefined();
  });
});

describe('circuit breaker around a provider', () => {
  const logger = createLogger({ level: 'error', silent: true });
  let stub: ProviderStub;
  let backup: ProviderStub;
  let clock = 0;
  beforeEach(async () => {
    stub = await startProviderStub();
    backup = await startProviderStub();
    clock = 1_000_000;
  });
  afterEach(async () => {
    await stub.close();
    await backup.close();
  });
  const guarded = () =>
    withCircuitBreaker(
      sendgrid.mailer(stub.url, 1_000),
      { failureThreshold: 2, openMs: 10_000, now: () => clock },
      logger,
    );

  it('when a provider fails transiently twice in a row, then the next send fails fast without calling it, with the wait left', async () => {
    stub.reply(sendgrid.serverError);
    const mailer = guarded();
    await failureOf(mailer.send(message()));
    await failureOf(mailer.send(message()));
    clock += 4_000;
    const err = await failureOf(mailer.send(message()));
    expect(stub.requests).toHaveLength(2);
    expect(err).toMatchObject({ permanent: false, retryAfterMs: 6_000 });
  });

  it('when the open period ends, then one trial goes through: a failure reopens at once, a success closes it', async () => {
    stub.reply(sendgrid.serverError);
    const mailer = guarded();
    await failureOf(mailer.send(message()));
    await failureOf(mailer.send(message()));
    clock += 10_000;
    await failureOf(mailer.send(message())); // the trial fails
    await failureOf(mailer.send(message())); // open again, not called
    expect(stub.requests).toHaveLength(3);
    clock += 10_000;
    stub.reply(sendgrid.accepted);
    await expect(mailer.send(message())).resolves.toMatchObject({ messageId: sendgrid.acceptedId });
    await expect(mailer.send(message())).resolves.toMatchObject({ messageId: sendgrid.acceptedId });
    expect(stub.requests).toHaveLength(5);
  });

  it('when permanent failures repeat, then the circuit stays closed (they are about addresses, not the provider)', async () => {
    stub.reply(sendgrid.invalidAddress);
    const mailer = guarded();
    for (let i = 0; i < 4; i += 1) expect((await failureOf(mailer.send(message()))).permanent).toBe(true);
    expect(stub.requests).toHaveLength(4);
  });

  it('when the primary circuit is open, then the fallback sends without the primary being called', async () => {
    stub.reply(sendgrid.serverError);
    backup.reply(mailgun.accepted);
    const mailer = createFallbackMailer(guarded(), mailgun.mailer(backup.url, 1_000), logger);
    for (let i = 0; i < 3; i += 1) {
      await expect(mailer.send(message())).resolves.toEqual({
        messageId: mailgun.acceptedId,
        provider: 'mailgun',
      });
    }
    expect(stub.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(3);
    expect(mailer.name).toBe('sendgrid+mailgun');
  });
});

describe('Retry-After parsing', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    [' 3 ', 3_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    [['5', '9'], 5_000],
    [4, 4_000],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('when the header is %j, then the wait is %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
