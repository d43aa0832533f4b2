import { createMailgunMailer } from '../../../src/modules/email/transports/mailgun.mailer';
import { createSendGridMailer } from '../../../src/modules/email/transports/sendgrid.mailer';
import { createSesMailer } from '../../../src/modules/email/transports/ses.mailer';
import type { Mailer } from '../../../src/modules/email/email.ports';
import { formField, type StubReply, type StubRequest } from './provider-stub';

/**
 * How each HTTP provider's API answers (as its documentation describes the wire format) and
 * where each request carries what we assert on. Shared by the mailer and delivery tests.
 */
export interface ProviderCase {
  name: 'sendgrid' | 'ses' | 'mailgun';
  /** The settings that select this provider and point its client at the stub. */
  env(url: string): Record<string, string>;
  mailer(url: string, timeoutMs: number): Mailer;
  accepted: StubReply;
  acceptedId: string;
  invalidAddress: StubReply;
  throttled(retryAfterSeconds: number): StubReply;
  serverError: StubReply;
  /** Whether the client library lets us read Retry-After (mailgun.js drops response headers). */
  readsRetryAfter: boolean;
  /** The send endpoint and credentials of a request. */
  expectSendRequest(req: StubRequest): void;
  keyOf(req: StubRequest): string | undefined;
  recipientOf(req: StubRequest): string | undefined;
  textOf(req: StubRequest): string | undefined;
}

const json = (req: StubRequest) => JSON.parse(req.body.toString('utf8'));
const FROM = 'no-reply@example.com';

export const sendgrid: ProviderCase = {
  name: 'sendgrid',
  env: (url) => ({ EMAIL_TRANSPORT: 'sendgrid', SENDGRID_API_KEY: 'SG.test-key', SENDGRID_API_URL: url }),
  mailer: (url, timeoutMs) =>
    createSendGridMailer({ apiKey: 'SG.test-key', apiUrl: url, from: FROM, timeoutMs }),
  accepted: { status: 202, headers: { 'x-message-id': 'Hr7s4T2TUGuVVHP4b1OjQ' } },
  acceptedId: 'Hr7s4T2TUGuVVHP4b1OjQ',
  invalidAddress: {
    status: 400,
    body: {
      errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email' }],
    },
  },
  throttled: (s) => ({
    status: 429,
    headers: { 'retry-after': String(s) },
    body: { errors: [{ message: 'too many requests' }] },
  }),
  serverError: { status: 500, body: { errors: [{ message: 'internal error' }] } },
  readsRetryAfter: true,
  expectSendRequest(req) {
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v3/mail/send');
    expect(req.headers.authorization).toBe('Bearer SG.test-key');
  },
  keyOf: (req) => {
    const body = json(req);
    expect(body.headers['X-Idempotency-Key']).toBe(body.custom_args.idempotency_key);
    return body.custom_args.idempotency_key;
  },
  recipientOf: (req) => json(req).personalizations[0].to[0].email,
  textOf: (req) => json(req).content.find((c: { type: string }) => c.type === 'text/plain')?.value,
};

export const ses: ProviderCase = {
  name: 'ses',
  env: (url) => ({
    EMAIL_TRANSPORT: 'ses',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    SES_ENDPOINT: url,
  }),
  mailer: (url, timeoutMs) =>
    createSesMailer({
      region: 'eu-west-1',
      accessKeyId: 'AKIDTEST',
      secretAccessKey: 'secret-test',
      endpoint: url,
      from: FROM,
      timeoutMs,
    }),
  accepted: { status: 200, body: { MessageId: '0102018c-ses-message-id-000000' } },
  acceptedId: '0102018c-ses-message-id-000000',
  invalidAddress: {
    status: 400,
    headers: { 'x-amzn-errortype': 'BadRequestException' },
    body: { message: 'Missing final @domain' },
  },
  throttled: (s) => ({
    status: 429,
    headers: { 'x-amzn-errortype': 'TooManyRequestsException', 'retry-after': String(s) },
    body: { message: 'Maximum sending rate exceeded.' },
  }),
  serverError: { status: 500, headers: { 'x-amzn-errortype': 'InternalFailure' }, body: { message: 'oops' } },
  readsRetryAfter: true,
  expectSendRequest(req) {
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v2/email/outbound-emails');
    // Signed with SigV4 by the SDK, with our key id and region.
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/ses\//,
    );
  },
  keyOf: (req) => {
    const body = json(req);
    const header = body.Content.Simple.Headers.find((h: { Name: string }) => h.Name === 'X-Idempotency-Key');
    const tag = body.EmailTags.find((t: { Name: string }) => t.Name === 'idempotency_key');
    expect(header.Value).toBe(tag.Value);
    return tag.Value;
  },
  recipientOf: (req) => json(req).Destination.ToAddresses[0],
  textOf: (req) => json(req).Content.Simple.Body.Text.Data,
};

export const mailgun: ProviderCase = {
  name: 'mailgun',
  env: (url) => ({
    EMAIL_TRANSPORT: 'mailgun',
    MAILGUN_API_KEY: 'key-test',
    MAILGUN_DOMAIN: 'mg.example.com',
    MAILGUN_URL: url,
  }),
  mailer: (url, timeoutMs) =>
    createMailgunMailer({ apiKey: 'key-test', domain: 'mg.example.com', url, from: FROM, timeoutMs }),
  accepted: {
    status: 200,
    body: { id: '<20240101120000.1.ABCDEF@mg.example.com>', message: 'Queued. Thank you.' },
  },
  acceptedId: '20240101120000.1.ABCDEF@mg.example.com',
  invalidAddress: {
    status: 400,
    body: { message: "'to' parameter is not a valid address. please check documentation" },
  },
  throttled: (s) => ({
    status: 429,
    headers: { 'retry-after': String(s) },
    body: { message: 'Too many requests' },
  }),
  serverError: { status: 500, body: { message: 'Internal Server Error' } },
  readsRetryAfter: false,
  expectSendRequest(req) {
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v3/mg.example.com/messages');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('api:key-test').toString('base64')}`);
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data/);
  },
  keyOf: (req) => {
    expect(formField(req, 'h:X-Idempotency-Key')).toBe(formField(req, 'v:idempotency_key'));
    return formField(req, 'v:idempotency_key');
  },
  recipientOf: (req) => formField(req, 'to'),
  textOf: (req) => formField(req, 'text'),
};

export const HTTP_PROVIDERS = [sendgrid, ses, mailgun];
