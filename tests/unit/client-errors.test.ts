import { errorFromResponse, OtpApiError, parseRetryAfter } from '../../client/errors';

/** How the browser library reads error answers: problem+json, Retry-After, and what is not JSON. */
describe('client errors', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('when Retry-After is seconds or an HTTP date, then retryAfter is whole seconds from now; garbage is undefined', () => {
    expect(parseRetryAfter('42', now)).toBe(42);
    expect(parseRetryAfter(' 7 ', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('when the answer is problem+json, then every member is on the error', async () => {
    const body = {
      type: 'urn:otp-login-api:problem:step_up_required',
      title: 'Step-up required',
      status: 403,
      code: 'step_up_required',
      detail: 'Confirm it is you',
      requestId: 'req-1',
      methods: ['totp', 'recovery'],
    };
    const res = new Response(JSON.stringify(body), {
      status: 403,
      headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '5' },
    });

    const error = await errorFromResponse(res, now);

    expect(error).toBeInstanceOf(OtpApiError);
    expect(error).toMatchObject({
      status: 403,
      code: 'step_up_required',
      title: 'Step-up required',
      detail: 'Confirm it is you',
      message: 'Confirm it is you',
      requestId: 'req-1',
      methods: ['totp', 'recovery'],
      retryAfter: 5,
    });
  });

  it('when the answer is not JSON (a proxy page), then the status names the code and the request id comes from the header', async () => {
    const res = new Response('<html>Bad gateway</html>', {
      status: 502,
      statusText: 'Bad Gateway',
      headers: { 'Content-Type': 'text/html', 'X-Request-Id': 'edge-9' },
    });

    const error = await errorFromResponse(res, now);

    expect(error).toMatchObject({ status: 502, code: 'http_502', title: 'Bad Gateway', requestId: 'edge-9' });
    expect(error.retryAfter).toBeUndefined();
  });
});
