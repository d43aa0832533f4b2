import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store/store';

/** A user and an hour-long session written straight to `store` (no HTTP sign-in). */
export async function storedSession(store: Store, label: string) {
  const now = new Date();
  const user = await store.users.upsertOnLogin(`${label}-${randomUUID()}@example.com`, now);
  const session = await store.sessions.create({
    id: randomUUID(),
    userId: user.id,
    ip: '127.0.0.1',
    userAgent: null,
    deviceFingerprint: null,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: new Date(now.getTime() + 3_600_000),
    absoluteExpiresAt: new Date(now.getTime() + 86_400_000),
  });
  return { user, session };
}
