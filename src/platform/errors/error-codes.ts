/** Stable, machine-readable error codes. Clients branch on these; never rename one. */
export const ErrorCode = {
  invalidRequest: 'invalid_request',
  invalidJson: 'invalid_json',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  rateLimited: 'rate_limited',
  invalidCode: 'invalid_code',
  invalidToken: 'invalid_token',
  refreshTokenReused: 'refresh_token_reused',
  sessionExpired: 'session_expired',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  serviceUnavailable: 'service_unavailable',
  internalError: 'internal_error',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_TITLES: Record<ErrorCodeValue, string> = {
  invalid_request: 'The request is not valid',
  invalid_json: 'The body is not valid JSON',
  payload_too_large: 'The body is too large',
  unsupported_media_type: 'Send the body as application/json',
  rate_limited: 'Too many requests',
  invalid_code: 'The code is wrong, expired or already used',
  invalid_token: 'The token is not valid',
  refresh_token_reused: 'The refresh token was already used; the session has been revoked',
  session_expired: 'The session has expired; sign in again',
  unauthorized: 'Authentication is required',
  forbidden: 'Access is denied',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  service_unavailable: 'The service is temporarily unavailable',
  internal_error: 'Something went wrong on our side',
};
