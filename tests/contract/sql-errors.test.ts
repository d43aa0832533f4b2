import { ConflictError, UnavailableError } from '../../src/platform/errors/app-error';
import { createTestPglite } from '../helpers/pglite';
import { createPostgresClient } from '../../src/platform/sql/postgres-client';
import { mapSqlError, type SqlClient } from '../../src/platform/sql/sql-client';
import { createTempDatabase } from '../helpers/databases';
import { describeWith } from '../helpers/services';

/** How the SQL clients turn driver errors into the ports' UnavailableError and ConflictError. */
describeWith('postgres', 'PostgreSQL driver errors', () => {
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let client: SqlClient | undefined;

  beforeAll(async () => {
    db = await createTempDatabase();
    client = createPostgresClient({ url: db.url, poolMax: 4, statementTimeoutMs: 100 });
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  const withClient = (fn: (c: SqlClient) => Promise<void>) => async () => {
    if (!client) throw new Error('the client was not created');
    await fn(client);
  };

  it(
    'when a statement outlives statement_timeout, then it surfaces as UnavailableError',
    withClient(async (c) => {
      await expect(c.query('SELECT pg_sleep(1)')).rejects.toBeInstanceOf(UnavailableError);
      await expect(c.transaction((tx) => tx.query('SELECT pg_sleep(1)'))).rejects.toBeInstanceOf(
        UnavailableError,
      );
      await expect(c.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    }),
  );

  it(
    'when the server terminates a connection mid-transaction, then it surfaces as UnavailableError and the pool recovers',
    withClient(async (c) => {
      await expect(
        c.transaction(async (tx) => {
          const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await c.query('SELECT pg_terminate_backend($1)', [pid]);
          // Let the FATAL message arrive while this connection is idle inside the transaction.
          await new Promise((resolve) => setTimeout(resolve, 200));
          await tx.query('SELECT 1');
        }),
      ).rejects.toBeInstanceOf(UnavailableError);
      await expect(c.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    }),
  );

  it(
    'when a migration changes a table under a prepared SELECT *, then the next call re-prepares it; inside a transaction it fails as UnavailableError once',
    withClient(async (c) => {
      await c.query('CREATE TABLE plan_change (id int PRIMARY KEY, a text)');
      await c.query("INSERT INTO plan_change VALUES (1, 'x')");
      const read = (q: { query: SqlClient['query'] }) =>
        q.query('SELECT * FROM plan_change WHERE id = $1', [1]);
      // Prepared on every pooled connection that runs it.
      await Promise.all([read(c), read(c), read(c), read(c)]);
      expect(await read(c)).toEqual([{ id: 1, a: 'x' }]);

      await c.query("ALTER TABLE plan_change ADD COLUMN b text NOT NULL DEFAULT 'y'");

      await expect(c.transaction((tx) => read(tx))).rejects.toBeInstanceOf(UnavailableError);
      expect(await read(c)).toEqual([{ id: 1, a: 'x', b: 'y' }]);
      await expect(c.transaction((tx) => read(tx))).resolves.toEqual([{ id: 1, a: 'x', b: 'y' }]);
      const all = await Promise.all([read(c), read(c), read(c), read(c)]);
      expect(all).toEqual(Array(4).fill([{ id: 1, a: 'x', b: 'y' }]));
    }),
  );

  it('when prepared statements are on, then a statement with parameters is prepared on its connection; when off, never', async () => {
    const prepared = async (c: SqlClient) =>
      c.transaction(async (tx) => {
        await tx.query('SELECT $1::int AS one', [1]);
        const [{ n }] = await tx.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_prepared_statements',
        );
        return n;
      });
    const off = createPostgresClient({
      url: db!.url,
      poolMax: 1,
      statementTimeoutMs: 5_000,
      preparedStatements: false,
    });
    const on = createPostgresClient({ url: db!.url, poolMax: 1, statementTimeoutMs: 5_000 });
    try {
      expect(await prepared(off)).toBe(0);
      expect(await prepared(on)).toBeGreaterThanOrEqual(1);
    } finally {
      await off.close();
      await on.close();
    }
  });
});

/** Needs no server: the port it dials is closed. */
describe('PostgreSQL client without a server', () => {
  it('when the server cannot be reached, then queries and transactions fail with UnavailableError', async () => {
    const unreachable = createPostgresClient({
      url: 'postgresql://postgres@127.0.0.1:1/none',
      poolMax: 1,
      statementTimeoutMs: 1_000,
    });
    try {
      await expect(unreachable.query('SELECT 1')).rejects.toBeInstanceOf(UnavailableError);
      await expect(unreachable.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(
        UnavailableError,
      );
    } finally {
      await unreachable.close();
    }
  });
});

describe('mapSqlError', () => {
  it.each([
    ['57014', 'canceling statement due to statement timeout'],
    ['57P01', 'terminating connection due to administrator command'],
    ['53300', 'too many connections'],
    ['08006', 'connection failure'],
    ['40P01', 'deadlock detected'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
  ])('when the driver reports %s, then it becomes UnavailableError keeping the cause', (code, message) => {
    const cause = Object.assign(new Error(message), { code });
    const mapped = mapSqlError(cause);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped.cause).toBe(cause);
    expect(mapped.message).not.toContain(message);
  });

  it('when the driver reports a unique violation (23505), then it becomes ConflictError', () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    expect(mapSqlError(cause)).toBeInstanceOf(ConflictError);
  });

  it('when a connection ends under a query, then the message alone marks it UnavailableError', () => {
    expect(mapSqlError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(UnavailableError);
    expect(mapSqlError(new Error('Query read timeout'))).toBeInstanceOf(UnavailableError);
  });

  it('when the error is anything else, then it passes through unchanged', () => {
    const syntax = Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' });
    expect(mapSqlError(syntax)).toBe(syntax);
    expect(mapSqlError('boom')).toEqual(new Error('boom'));
  });

  it('when PGlite reports a unique violation, then it becomes ConflictError too', async () => {
    const client = await createTestPglite();
    try {
      await client.query('CREATE TABLE t (k text PRIMARY KEY)');
      await client.query("INSERT INTO t VALUES ('a')");
      await expect(client.query("INSERT INTO t VALUES ('a')")).rejects.toBeInstanceOf(ConflictError);
    } finally {
      await client.close();
    }
  });
});
