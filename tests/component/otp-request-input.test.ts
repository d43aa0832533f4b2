import { createTestPglite } from '../helpers/pglite';
import type { SqlClient } from '../../src/platform/sql/sql-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** SECURITY 10, 47, 48, 52: codes stored only hashed, addresses masked in logs, one canonical address. */

/** The literal as a token of its own: not part of a longer run of letters or digits (hashes, UUIDs). */
const standalone = (literal: string) =>
  new RegExp(`(?<![0-9A-Za-z])${literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`, 'i');

/** Every row of every table, as JSON text: what a database dump would show. */
async function dumpDatabase(db: SqlClient): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(['otps', 'users', 'sessions']));
  const rows: string[] = [];
  for (const { table_name } of tables) {
    const found = await db.query<{ row: string }>(
      `SELECT row_to_json(x)::text AS row FROM "${table_name}" x`,
    );
    rows.push(...found.map((r) => `${table_name}: ${r.row}`));
  }
  return rows.join('\n');
}

/** A 63-character local part and a domain of valid labels, `length` characters in all. */
const longAddress = (length: number) =>
  `${'v'.repeat(63)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(length - 63 - 1 - 64 - 64 - 4)}.com`;

const otpCount = async (db: SqlClient) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM otps'))[0].n;

describe('POST /v1/otp/request: what is stored, logged and mailed', () => {
  let t: TestApp;
  let db: SqlClient;
  beforeAll(async () => {
    db = await createTestPglite();
    t = await createTestApp({ overrides: { store: createSqlStore(db) } });
  });
  afterAll(async () => t.close());

  it('when a code is requested and used, then neither the database nor the logs hold the code or the full address', async () => {
    const typed = 'Secret.Person@Example.com';
    const email = 'secret.person@example.com';

    const code = await t.requestCode(typed);
    const verify = await t.http.post('/v1/otp/verify').send({ email: typed, code });

    expect(verify.status).toBe(200);
    const [row] = await db.query<{ code_hash: string; email: string }>(
      'SELECT code_hash, email FROM otps WHERE email = $1',
      [email],
    );
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = await dumpDatabase(db);
    expect(dump).toContain(email);
    expect(dump).not.toMatch(standalone(code));
    expect(dump).not.toContain(verify.body.refreshToken);
    const logs = t.rawLogs.join('\n');
    expect(logs).not.toMatch(standalone(code));
    expect(logs).not.toMatch(standalone(email));
    expect(logs).not.toContain(verify.body.refreshToken);
    expect(logs).not.toContain(verify.body.accessToken);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        event: 'otp.requested',
        outcome: 'created',
        emailHash: expect.stringMatching(/^[0-9a-f]{16}$/),
      }),
    );
  });

  it.each([
    ['a CR/LF header injection', 'victim@example.com\r\nBcc: x@evil.test'],
    ['an encoded CR/LF', 'victim@example.com%0d%0aBcc:x@evil.test'],
    ['a LF in the domain', 'victim@example.com\nx'],
    ['a NUL in the local part', 'vic\u0000tim@example.com'],
    ['a NUL in the domain', 'victim@exam\u0000ple.com'],
    ['a local part of 64 characters', `${'v'.repeat(64)}@example.com`],
    ['255 characters', longAddress(255)],
    ['a dotless i (U+0131)', 'm\u0131ke@example.org'],
    ['a dotted capital I (U+0130)', 'M\u0130KE@example.org'],
    ['fullwidth letters', '\uff4d\uff49\uff4b\uff45@example.org'],
    ['a Cyrillic m', '\u043cike@example.org'],
    ['no domain', 'mike@'],
    ['two addresses', 'mike@example.org,x@evil.test'],
  ])(
    'when the address has %s, then 400 invalid_request and nothing is stored or mailed',
    async (_, email) => {
      const otpsBefore = await otpCount(db);
      const sentBefore = t.mailer.sent.length;

      const res = await t.http.post('/v1/otp/request').send({ email });
      await t.container.queue.drain();

      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('invalid_request');
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual(['email']);
      expectMatchesOpenApi(res, 'POST', '/v1/otp/request');
      expect(t.mailer.sent.length).toBe(sentBefore);
      expect(await otpCount(db)).toBe(otpsBefore);
    },
  );

  it('when the address is pasted with surrounding spaces, then they are trimmed: 202, mailed to the bare address, and it signs in', async () => {
    const res = await t.http.post('/v1/otp/request').send({ email: ' \tpasted@example.com \n' });
    await t.container.queue.drain();

    expect(res.status).toBe(202);
    const code = t.mailer.lastCode('pasted@example.com');
    const verify = await t.http.post('/v1/otp/verify').send({ email: ' pasted@example.com ', code });
    expect(verify.status).toBe(200);
  });

  it('when an account exists and its address is typed in capitals, then the code goes to the stored address and signs into the same account', async () => {
    const first = await t.signIn('mike@example.org');
    const users = await t.container.store.users.count();

    const code = await t.requestCode('MIKE@EXAMPLE.ORG');
    const verify = await t.http.post('/v1/otp/verify').send({ email: 'Mike@Example.Org', code });

    expect(t.mailer.sent.filter((m) => /mike@/i.test(m.to)).map((m) => m.to)).toEqual([
      'mike@example.org',
      'mike@example.org',
    ]);
    expect(verify.status).toBe(200);
    expect(verify.body.user).toMatchObject({ id: first.user.id, email: 'mike@example.org' });
    expect(await t.container.store.users.count()).toBe(users);
  });

  it('when the address is exactly 254 characters with a 63-character local part, then a code is sent to it', async () => {
    const email = longAddress(254);

    const code = await t.requestCode(email);

    expect(email).toHaveLength(254);
    expect(code).toMatch(/^\d{6}$/);
  });

  it('when the domain is an IDN, then it maps to its punycode form for storage, delivery and the cooldown', async () => {
    const sentBefore = t.mailer.sent.length;

    const res = await t.http.post('/v1/otp/request').send({ email: 'user@b\u00fccher.example' });
    const capitals = await t.http.post('/v1/otp/request').send({ email: 'USER@B\u00dcCHER.EXAMPLE' });
    await t.container.queue.drain();

    expect(res.status).toBe(202);
    expect(t.mailer.sent.slice(sentBefore).map((m) => m.to)).toEqual(['user@xn--bcher-kva.example']);
    const rows = await db.query<{ email: string; email_domain: string }>(
      'SELECT email, email_domain FROM otps WHERE email_domain LIKE $1',
      ['xn--bcher%'],
    );
    expect(rows).toEqual([{ email: 'user@xn--bcher-kva.example', email_domain: 'xn--bcher-kva.example' }]);
    // The same canonical address: the capitalised spelling hits the first one's cooldown.
    expect(capitals.status).toBe(429);
  });
});
