import type { Migration } from '../migrations';

/** Migration 8: single-use webhook tokens, shared by every instance. */
export const webhookTokenMigrations: Migration[] = [
  {
    id: 8,
    name: 'webhook_tokens: a Mailgun webhook token is accepted once across instances',
    // Mailgun signs a token and a timestamp, not the body, so a captured signature could carry
    // another event unless its token is accepted once; a per-process memory did not hold across
    // replicas. Rows live until expires_at (twice the signing window) and the sweep removes them;
    // the MongoDB equivalent is the webhookTokens collection (unique _id, TTL on expiresAt).
    sql: `
CREATE TABLE webhook_tokens (
  provider text NOT NULL,
  token_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (provider, token_hash)
);
CREATE INDEX webhook_tokens_expires_at_idx ON webhook_tokens (expires_at);
`,
  },
];
