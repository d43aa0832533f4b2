/**
 * The otp-login-api browser client: sign in with an emailed code, keep the access token in
 * memory and fresh, and call the account routes. No dependencies; served by the service at
 * `/v1/client.js` as one ES module. docs/api.md, "Client library", describes it.
 */
export { createOtpClient } from './client';
export { OtpApiError, type FieldProblem } from './errors';
export { memoryStorage } from './storage';
export type {
  AuthMode,
  AuthState,
  ChannelLike,
  LockManagerLike,
  OtpClient,
  OtpClientOptions,
  RequestCodeOptions,
  Session,
  SessionPage,
  SignIn,
  StepUpProof,
  TokenStorage,
  User,
} from './types';
