/**
 * Every error the API answers with: its stable snake_case code (clients branch on it; never
 * rename one), its HTTP status and its problem+json title. The only place a status is chosen:
 * code throws `new AppError(code)` and the error handler reads the status from here.
 */
export const ERRORS = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  invalid_json: { status: 400, title: 'The body is not valid JSON' },
  payload_too_large: { status: 413, title: 'The body is too large' },
  unsupported_media_type: { status: 415, title: 'Send the body as application/json' },
  rate_limited: { status: 429, title: 'Too many requests' },
  invalid_code: { status: 401, title: 'The code is wrong, expired or already used' },
  invalid_token: { status: 401, title: 'The token is not valid' },
  /** Same status as invalid_token so old clients behave alike; new ones refresh instead of signing out. */
  token_expired: { status: 401, title: 'The access token has expired; refresh it' },
  refresh_token_reused: {
    status: 401,
    title: 'The refresh token was already used; the session has been revoked',
  },
  session_expired: { status: 401, title: 'The session has expired; sign in again' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Access is denied' },
  captcha_failed: { status: 403, title: 'The CAPTCHA answer is missing or was not accepted' },
  /** A cookie-authenticated request without an allowed Origin and a matching X-CSRF-Token; nothing changed. */
  csrf_failed: { status: 403, title: 'The request failed the cross-site request forgery check' },
  /** A sensitive operation needs a recent second factor; `methods` lists what would do. */
  step_up_required: { status: 403, title: 'A recent step-up authentication is required' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  service_unavailable: { status: 503, title: 'The service is temporarily unavailable' },
  internal_error: { status: 500, title: 'Something went wrong on our side' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Every code, for the OpenAPI document's enum. */
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];
