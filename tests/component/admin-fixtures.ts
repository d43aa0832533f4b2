import { createHash } from 'node:crypto';
import type { TestApp } from '../helpers/test-app';

/** Shared by the admin API tests (admin.test.ts, admin-auth.test.ts, admin-suppressions.test.ts). */

export type Storage = 'pglite' | 'postgres';
export type SignedIn = Awaited<ReturnType<TestApp['signIn']>>;

export const KEY = 'admin-key-one-0123456789abcdef';
export const SECOND_KEY = 'admin-key-two-fedcba9876543210';
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const keyId = (key: string) => sha256(key).slice(0, 8);
/** Two keys at once (rotation), the second given only as its digest. */
export const ADMIN_ENV = { ADMIN_API_KEYS: `${KEY},sha256:${sha256(SECOND_KEY)}` };

let seq = 0;
export const freshEmail = (label: string) => `admin-${label}-${++seq}-${Date.now()}@example.com`;
export const bearer = (s: SignedIn) => `Bearer ${s.accessToken}`;
export const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
