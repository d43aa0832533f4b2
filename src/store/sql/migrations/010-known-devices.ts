import type { Migration } from '../migrations';

/** Migration 10: the devices each user signed in from, and the used links of the new-sign-in email. */
export const knownDeviceMigrations: Migration[] = [
  {
    id: 10,
    name: 'known_devices and session_link_uses: the new-sign-in email and its single-use revoke link',
    // Additive. A fingerprint is an HMAC (key from SESSION_SECRET) of the parsed device and client
    // hints; rows go with their user. A link is recorded when used, until its expiry, so a second
    // use is refused; the sweep removes expired rows. MongoDB: knowndevices and sessionlinks.
    sql: `
CREATE TABLE known_devices (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  fingerprint text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, fingerprint)
);
CREATE INDEX known_devices_last_seen_at_idx ON known_devices (last_seen_at);
CREATE TABLE session_link_uses (
  link_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX session_link_uses_expires_at_idx ON session_link_uses (expires_at);
`,
  },
];
