import { createTestApp, type TestApp } from '../../helpers/test-app';
import { HTTP_PROVIDERS, mailgun, sendgrid, ses, type ProviderCase } from './provider-cases';
import { codeIn, startProviderStub, type ProviderStub } from './provider-stub';

/**
 * The whole path: POST /v1/otp/request → queue → worker → the provider chosen by config (its
 * client pointed at a local stand-in through its own endpoint setting) → retries → the
 * recorded message. Nothing of ours is replaced; only the retry delays are shortened.
 */
const BASE_ENV = { SMTP_FROM: 'no-reply@example.com', EMAIL_SEND_TIMEOUT_MS: '400', EMAIL_MAX_ATTEMPTS: '4' };
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };

async function appFor(env: Record<string, string>, retry = FAST_RETRY): Promise<TestApp> {
  return createTestApp({ env: { ...BASE_ENV, ...env }, overrides: { mailer: undefined, mailRetry: retry } });
}

async function requestCode(t: TestApp, email: string) {
  const res = await t.http.post('/v1/otp/request').send({ email });
  expect(res.status).toBe(202);
  await t.container.queue.drain();
  return res;
}

const providerErrors = async (t: TestApp, provider: string, errorClass: string) =>
  (await t.container.metrics.emailProviderErrors.get()).values.find(
    (v) => v.labels.provider === provider && v.labels.class === errorClass,
  )?.value ?? 0;

const emailsTotal = async (t: TestApp, outcome: string) =>
  (await t.container.metrics.emails.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

/** One app per provider (each test uses its own address); the stub's log is cleared between tests. */
describe.each(HTTP_PROVIDERS)('delivering a code through $name', (provider: ProviderCase) => {
  let stub: ProviderStub;
  let t: TestApp;
  beforeAll(async () => {
    stub = await startProviderStub();
    t = await appFor(provider.env(stub.url));
  });
  afterAll(async () => {
    await t.close();
    await stub.close();
  });
  beforeEach(() => {
    stub.requests.length = 0;
  });

  it('when the provider fails with 500, then throttles, then accepts, then the email goes out once on the third try with one idempotency key', async () => {
    stub.reply(provider.serverError, provider.throttled(0), provider.accepted);
    const [retried, sent] = [await emailsTotal(t, 'retried'), await emailsTotal(t, 'sent')];
    await requestCode(t, 'ada@example.com');

    expect(stub.requests).toHaveLength(3);
    const keys = stub.requests.map((r) => provider.keyOf(r));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^otp-[0-9a-f-]{36}$/);
    // The code of the try that was accepted is the one that signs in.
    const code = codeIn(provider.textOf(stub.requests[2]));
    const verify = await t.http.post('/v1/otp/verify').send({ email: 'ada@example.com', code });
    expect(verify.status).toBe(200);

    const report = await t.container.deliveries.recentMessagesFor('ada@example.com');
    expect(report.messages).toHaveLength(1);
    expect(report.messages[0]).toMatchObject({
      provider: provider.name,
      providerMessageId: provider.acceptedId,
      status: 'sent',
    });
    expect(await emailsTotal(t, 'retried')).toBe(retried + 2);
    expect(await emailsTotal(t, 'sent')).toBe(sent + 1);
  });

  it('when the provider refuses the address with 400, then there is no retry and the message is recorded as failed', async () => {
    stub.reply(provider.invalidAddress);
    const failed = await emailsTotal(t, 'failed');
    await requestCode(t, 'bob@example.com');

    expect(stub.requests).toHaveLength(1);
    const report = await t.container.deliveries.recentMessagesFor('bob@example.com');
    expect(report.messages.map((m) => [m.status, m.providerMessageId])).toEqual([['failed', null]]);
    expect(await emailsTotal(t, 'failed')).toBe(failed + 1);
    expect(t.logs.some((l) => l.event === 'email.failed' && l.permanent === true)).toBe(true);
  });

  it('when the provider hangs on the first try, then the client times out and the second try delivers', async () => {
    stub.reply('hang', provider.accepted);
    await requestCode(t, 'cyd@example.com');

    expect(stub.requests).toHaveLength(2);
    expect(provider.keyOf(stub.requests[0])).toBe(provider.keyOf(stub.requests[1]));
    const report = await t.container.deliveries.recentMessagesFor('cyd@example.com');
    expect(report.messages[0]).toMatchObject({ status: 'sent', providerMessageId: provider.acceptedId });
  });

  it('when every try fails transiently, then it stops at EMAIL_MAX_ATTEMPTS and records one failure', async () => {
    stub.reply(provider.serverError);
    await requestCode(t, 'dee@example.com');

    expect(stub.requests).toHaveLength(4);
    const report = await t.container.deliveries.recentMessagesFor('dee@example.com');
    expect(report.messages.map((m) => m.status)).toEqual(['failed']);
  });
});

describe('Retry-After', () => {
  it('when SendGrid throttles with Retry-After: 1, then the next try waits about a second, not the short backoff', async () => {
    const stub = await startProviderStub();
    const t = await appFor(sendgrid.env(stub.url), { baseDelayMs: 1, maxDelayMs: 5_000 });
    const times: number[] = [];
    try {
      stub.reply(sendgrid.throttled(1), sendgrid.accepted);
      const started = Date.now();
      await requestCode(t, 'eve@example.com');
      times.push(Date.now() - started);
      expect(stub.requests).toHaveLength(2);
      expect(times[0]).toBeGreaterThanOrEqual(950);
    } finally {
      await t.close();
      await stub.close();
    }
  });
});

describe('fallback provider: SendGrid, then SES', () => {
  let primary: ProviderStub;
  let secondary: ProviderStub;
  let t: TestApp;
  beforeAll(async () => {
    primary = await startProviderStub();
    secondary = await startProviderStub();
    t = await appFor({
      ...sendgrid.env(primary.url),
      ...ses.env(secondary.url),
      EMAIL_TRANSPORT: 'sendgrid',
      EMAIL_FALLBACK_TRANSPORT: 'ses',
    });
  });
  afterAll(async () => {
    await t.close();
    await primary.close();
    await secondary.close();
  });
  beforeEach(() => {
    primary.requests.length = 0;
    secondary.requests.length = 0;
  });

  it('when SendGrid fails with 500, then SES sends the same message at once and the record names SES', async () => {
    primary.reply(sendgrid.serverError);
    secondary.reply(ses.accepted);
    const before = await providerErrors(t, 'sendgrid', 'server');
    await requestCode(t, 'fay@example.com');

    // The primary's failure is counted under its own name, though the fallback delivered.
    expect(await providerErrors(t, 'sendgrid', 'server')).toBe(before + 1);

    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(1);
    expect(ses.keyOf(secondary.requests[0])).toBe(sendgrid.keyOf(primary.requests[0]));
    const code = codeIn(ses.textOf(secondary.requests[0]));
    expect((await t.http.post('/v1/otp/verify').send({ email: 'fay@example.com', code })).status).toBe(200);
    const report = await t.container.deliveries.recentMessagesFor('fay@example.com');
    expect(report.messages[0]).toMatchObject({
      provider: 'ses',
      providerMessageId: ses.acceptedId,
      status: 'sent',
    });
    expect(t.logs.some((l) => l.event === 'email.fallback' && l.fallback === 'ses')).toBe(true);
  });

  it('when SendGrid refuses the address with 400, then SES is not asked and nothing is retried', async () => {
    primary.reply(sendgrid.invalidAddress);
    const before = await providerErrors(t, 'sendgrid', 'rejected');
    await requestCode(t, 'hal@example.com');
    expect(await providerErrors(t, 'sendgrid', 'rejected')).toBe(before + 1);
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(0);
    const report = await t.container.deliveries.recentMessagesFor('hal@example.com');
    expect(report.messages.map((m) => m.status)).toEqual(['failed']);
  });

  it('when both fail transiently, then the job is retried and a later try delivers through SendGrid, all under one key', async () => {
    primary.reply(sendgrid.serverError, sendgrid.accepted);
    secondary.reply(ses.serverError);
    await requestCode(t, 'ida@example.com');
    expect(primary.requests).toHaveLength(2);
    expect(secondary.requests).toHaveLength(1);
    const keys = [...primary.requests.map((r) => sendgrid.keyOf(r)), ses.keyOf(secondary.requests[0])];
    expect(new Set(keys).size).toBe(1);
    const report = await t.container.deliveries.recentMessagesFor('ida@example.com');
    expect(report.messages[0]).toMatchObject({ provider: 'sendgrid', status: 'sent' });
  });
});

describe('fallback provider: SES, then Mailgun', () => {
  it('when SES hangs past its timeout, then Mailgun delivers', async () => {
    const primary = await startProviderStub();
    const secondary = await startProviderStub();
    const t = await appFor({
      ...ses.env(primary.url),
      ...mailgun.env(secondary.url),
      EMAIL_TRANSPORT: 'ses',
      EMAIL_FALLBACK_TRANSPORT: 'mailgun',
    });
    try {
      primary.reply('hang');
      secondary.reply(mailgun.accepted);
      await requestCode(t, 'gus@example.com');
      expect(secondary.requests).toHaveLength(1);
      const report = await t.container.deliveries.recentMessagesFor('gus@example.com');
      expect(report.messages[0]).toMatchObject({
        provider: 'mailgun',
        providerMessageId: mailgun.acceptedId,
      });
    } finally {
      await t.close();
      await primary.close();
      await secondary.close();
    }
  });
});
