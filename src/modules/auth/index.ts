/** The login module's public face: what other modules and the composition root may use. */
export type { AuthRepositories, AuthStore, Session, User } from './auth.ports';
export { userView } from './auth.views';
export type { SuppressionCheck } from './otp.service';
export { CodeHasher, createCodeMinter } from './otp-code';
export { createAuthModule, type AuthModule, type AuthModuleDeps } from './auth.module';
export { authRouteTable } from './auth.routes';
export { userResponse } from './auth.responses';
export { factorSummary, factorSummaryView, type FactorSummary } from './mfa-summary';
