/**
 * Versioned schema. Append only: a released migration is never edited. Applied at start
 * (and by `npm run migrate`) inside one transaction each, recorded in schema_migrations.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

import { tableMigrations } from './migrations/001-003-tables';
import { codeRuleMigrations } from './migrations/004-005-code-rules';
import { signInRuleMigrations } from './migrations/006-sign-in-rules';
import { ownerRuleMigrations } from './migrations/007-owner-rules';
import { webhookTokenMigrations } from './migrations/008-webhook-tokens';
import { mfaMigrations } from './migrations/009-mfa';
import { knownDeviceMigrations } from './migrations/010-known-devices';
import { adminAuditMigrations } from './migrations/011-admin-audit-log';
import { magicLinkMigrations } from './migrations/012-magic-links';

/** Every migration in order; a new one goes in a file of its own under migrations/. */
export const migrations: Migration[] = [
  ...tableMigrations,
  ...codeRuleMigrations,
  ...signInRuleMigrations,
  ...ownerRuleMigrations,
  ...webhookTokenMigrations,
  ...mfaMigrations,
  ...knownDeviceMigrations,
  ...adminAuditMigrations,
  ...magicLinkMigrations,
];
