import { createTestPglite } from '../helpers/pglite';
import type { Queryable, SqlClient } from '../../src/platform/sql/sql-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { createTestApp } from '../helpers/test-app';

/**
 * The database round trips of one successful POST /v1/otp/verify on the SQL stores, counted
 * by wrapping the client: every query is one, and a transaction adds two (BEGIN, COMMIT).
 * docs/performance.md ("Round trips of a sign-in") quotes the number.
 */
function counting(client: SqlClient): { client: SqlClient; statements: string[] } {
  const statements: string[] = [];
  const wrap = (q: Queryable): Queryable => ({
    query: (text, params) => {
      statements.push(text.trim().split(/\s+/).slice(0, 4).join(' '));
      return q.query(text, params);
    },
  });
  return {
    statements,
    client: {
      kind: client.kind,
      query: (text, params) => wrap(client).query(text, params),
      transaction: (work) => {
        statements.push('BEGIN');
        return client.transaction((tx) => work(wrap(tx))).finally(() => statements.push('COMMIT'));
      },
      close: () => client.close(),
    },
  };
}

describe('round trips of a successful verify', () => {
  it.each([
    ['every address may sign up', {}],
    ['signups in a partial rollout', { FEATURE_FLAGS: 'signups=50' }],
  ])('when %s, then one successful verify costs three round trips', async (_how, env) => {
    const { client, statements } = counting(await createTestPglite());
    const t = await createTestApp({ env, overrides: { store: createSqlStore(client) } });
    try {
      // An address inside the rollout (a fixed share of addresses is; the first few tried suffice).
      let email = '';
      for (let i = 0; !email && i < 20; i++) {
        await t.http.post('/v1/otp/request').send({ email: `round-trips-${i}@example.com` });
        await t.container.queue.drain();
        if (t.mailer.to(`round-trips-${i}@example.com`).length > 0) email = `round-trips-${i}@example.com`;
      }
      const code = t.mailer.lastCode(email);
      statements.length = 0;
      const res = await t.http.post('/v1/otp/verify').send({ email, code });
      expect(res.status).toBe(200);
      // Count the guess, then sign in: no transaction of ours, no second lock, no re-read.
      // Then the device is recorded for the new-sign-in email (one upsert).
      // Before SignInUseCase: 10 (11 in a partial rollout), see docs/performance.md.
      expect(statements).toEqual([
        'SELECT f.outcome, f.retry_after_ms, f.otp_id,',
        'SELECT outcome, user_row FROM',
        'WITH upsert AS (',
      ]);
    } finally {
      await t.close();
    }
  });
});
