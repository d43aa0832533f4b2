import type { IssuedTokens } from './session.service';
import type { Session, User } from './auth.ports';
import { parseDevice } from './device';

/** Response shapes: an allow-list of fields, so no hash or internal column can leak out. */
export const userView = (u: User) => ({
  id: u.id,
  email: u.email,
  createdAt: u.createdAt.toISOString(),
  lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
});

export const sessionView = (s: Session, currentId?: string) => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastUsedAt: s.lastUsedAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  absoluteExpiresAt: s.absoluteExpiresAt.toISOString(),
  ip: s.ip,
  userAgent: s.userAgent,
  device: parseDevice(s.userAgent),
  ...(currentId !== undefined ? { current: s.id === currentId } : {}),
});

export const tokensView = (t: IssuedTokens) => ({
  accessToken: t.accessToken,
  tokenType: t.tokenType,
  expiresIn: t.expiresIn,
  refreshToken: t.refreshToken,
  user: userView(t.user),
  session: sessionView(t.session),
});
