import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The global hourly ceilings (OTP_MAX_CODES_PER_HOUR_GLOBAL, OTP_MAX_FAILED_PER_HOUR_GLOBAL):
 * past one, the answer is the ordinary one, nothing is done, and operators see it (metric, log).
 * Requests come from many addresses (behind a trusted proxy), so no per-IP budget is involved.
 */

const HOUR_MS = 3_600_000;
let seq = 0;
const freshEmail = (label: string) => `ceiling-${label}-${++seq}@example.com`;
const ip = () => `198.51.100.${seq % 250}`;
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** What a caller sees, minus the request id. */
function seen(res: Response) {
  const { requestId: _requestId, ...body } = res.body as Record<string, unknown>;
  return { status: res.status, contentType: res.headers['content-type'], body };
}

async function metric(t: TestApp, name: string, ceiling: string): Promise<number | undefined> {
  const found = await t.container.metrics.registry.getSingleMetric(name)?.get();
  return found?.values.find((v) => v.labels.ceiling === ceiling)?.value;
}

/** Starts an hour of its own, so the fixed window does not end in the middle of a test. */
function nextHour(t: TestApp) {
  const now = t.clock.now().getTime();
  t.clock.advance(HOUR_MS - (now % HOUR_MS) + 1_000);
}

describe('the global ceiling on codes sent (3 an hour)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'loopback', OTP_MAX_CODES_PER_HOUR_GLOBAL: '3' } });
  });
  afterAll(async () => t.close());

  const request = (email: string) =>
    t.http.post('/v1/otp/request').set('X-Forwarded-For', ip()).send({ email });

  it('when a fourth code is asked for in one hour, then it is answered 202 like the others but no email goes out, and operators are told', async () => {
    nextHour(t);
    const emails = [1, 2, 3, 4].map((n) => freshEmail(`send-${n}`));
    const answers = [];
    for (const email of emails) answers.push(seen(await request(email)));
    await t.container.queue.drain();

    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0].status).toBe(202);
    expect(t.mailer.sent.map((m) => m.to)).toEqual(emails.slice(0, 3));
    expect(await metric(t, 'otp_global_ceiling_hits_total', 'codes_sent')).toBe(1);
    expect(await metric(t, 'otp_global_ceiling_usage', 'codes_sent')).toBe(4);
    expect(await metric(t, 'otp_global_ceiling_limit', 'codes_sent')).toBe(3);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', event: 'otp.global_ceiling', ceiling: 'codes_sent' }),
    );

    nextHour(t);
    const later = freshEmail('next-hour');
    expect((await request(later)).status).toBe(202);
    await t.container.queue.drain();
    expect(t.mailer.to(later)).toHaveLength(1);
  });
});

describe('the global ceiling on failed verifies (2 an hour)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { TRUST_PROXY: 'loopback', OTP_MAX_FAILED_PER_HOUR_GLOBAL: '2' },
    });
  });
  afterAll(async () => t.close());

  const verify = (email: string, code: string) =>
    t.http.post('/v1/otp/verify').set('X-Forwarded-For', ip()).send({ email, code });

  it('when two wrong guesses at live codes spend the hour, then a right code gets the wrong code answer, and works again next hour', async () => {
    nextHour(t);
    // Guesses at an address with no live code cannot succeed: they do not spend the ceiling.
    expect((await verify(freshEmail('no-code'), '123456')).status).toBe(401);
    const wrongs = [];
    for (const label of ['a', 'b']) {
      const email = freshEmail(label);
      wrongs.push(seen(await verify(email, wrongCode(await t.requestCode(email, ip())))));
    }
    const owner = freshEmail('owner');
    const rightCode = await t.requestCode(owner, ip());
    const refused = seen(await verify(owner, rightCode));

    expect(wrongs[0].status).toBe(401);
    expect(wrongs[1]).toEqual(wrongs[0]);
    expect(refused).toEqual(wrongs[0]);
    expect(await t.container.store.sessions.count({})).toBe(0);
    expect(await metric(t, 'otp_global_ceiling_hits_total', 'failed_verifies')).toBe(1);
    expect(await metric(t, 'otp_global_ceiling_usage', 'failed_verifies')).toBe(2);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', event: 'otp.global_ceiling', ceiling: 'failed_verifies' }),
    );

    nextHour(t);
    const code = await t.requestCode(owner, ip());
    expect((await verify(owner, code)).status).toBe(200);
  });
});
