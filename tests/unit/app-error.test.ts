import { AppError } from '../../src/platform/errors/app-error';
import { ERRORS } from '../../src/platform/errors/error-codes';

describe('AppError', () => {
  it('when an answer is built, then it carries no stack of its own and leaves the stack limit as it was', () => {
    const before = Error.stackTraceLimit;
    const cause = new Error('the database said no');
    const err = new AppError('invalid_code', { cause });

    expect(err.stack).not.toMatch(/\n\s+at /);
    expect(err.message).toBe(ERRORS.invalid_code.title);
    expect(err.cause).toBe(cause);
    // The cause keeps its stack: that is what the error handler logs.
    expect(cause.stack).toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('after').stack).toMatch(/\n\s+at /);
  });

  it('when an answer is built from a code, then its status is the one the code map gives', () => {
    expect(new AppError('invalid_code').status).toBe(401);
    expect(new AppError('rate_limited', { retryAfterSeconds: 1.2 })).toMatchObject({
      status: 429,
      retryAfterSeconds: 1.2,
    });
    expect(new AppError('invalid_request', { fields: [{ field: 'email', message: 'no' }] })).toMatchObject({
      status: 400,
      errors: [{ field: 'email', message: 'no' }],
    });
  });
});
