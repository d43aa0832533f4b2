import { AppError } from '../../src/platform/errors/app-error';
import { ERROR_TITLES, ErrorCode } from '../../src/platform/errors/error-codes';

describe('AppError', () => {
  it('when an answer is built, then it carries no stack of its own and leaves the stack limit as it was', () => {
    const before = Error.stackTraceLimit;
    const cause = new Error('the database said no');
    const err = new AppError({ code: ErrorCode.invalidCode, status: 401, cause });

    expect(err.stack).not.toMatch(/\n\s+at /);
    expect(err.message).toBe(ERROR_TITLES[ErrorCode.invalidCode]);
    expect(err.cause).toBe(cause);
    // The cause keeps its stack: that is what the error handler logs.
    expect(cause.stack).toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('after').stack).toMatch(/\n\s+at /);
  });
});
