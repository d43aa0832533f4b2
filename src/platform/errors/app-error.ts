import { StacklessError } from '../http/fast-path';
import { ERRORS, type ErrorCode } from './error-codes';

/** A field-level validation problem, safe to send (the problem's `errors` member). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  /** Safe, human-readable detail for the client. */
  detail?: string;
  /** When to try again: sent as Retry-After (whole seconds, rounded up, at least 1). */
  retryAfterSeconds?: number;
  /** Field-level validation problems, safe to send. */
  fields?: FieldProblem[];
  /** For step_up_required: the step-up methods that would satisfy the request, safe to send. */
  methods?: string[];
  /** The internal cause: logged with the request id, never sent. */
  cause?: unknown;
}

/**
 * The only error type that reaches the client with its own code; anything else becomes
 * internal_error. The code decides the status (ERRORS); services never name one. An answer,
 * not a fault: it captures no stack of its own (its cause keeps one).
 */
export class AppError extends StacklessError {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail?: string;
  readonly retryAfterSeconds?: number;
  readonly errors?: FieldProblem[];
  readonly methods?: string[];

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.detail ?? ERRORS[code].title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.detail = options.detail;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.errors = options.fields;
    this.methods = options.methods;
  }
}

/** A storage layer that cannot answer (down, timed out): the API says 503, never 500. */
export class UnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}

/** A write collided with a unique constraint (PostgreSQL 23505, MongoDB 11000). */
export class ConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConflictError';
  }
}
