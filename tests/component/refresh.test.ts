import { createTestPglite } from '../helpers/pglite';
import { createPostgresClient } from '../../src/platform/sql/postgres-client';
import type { SqlClient } from '../../src/platform/sql/sql-client';
import { createSqlStore } from '../../src/store/sql/sql-store';
import { createTempDatabase } from '../helpers/databases';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { describeEachStorage } from '../helpers/services';

/** SECURITY 19, 20, 22, 23: rotation, grace window, reuse detection and racing refreshes. */

/**
 * The MongoDB implementation of the same rule is held to these cases by the contract suite
 * (tests/contract/rotate-refresh-token.suite.ts), which runs against MongoDB when
 * TEST_MONGODB_URL is set.
 */
type Storage = 'pglite' | 'postgres';

interface Harness {
  t: TestApp;
  db: SqlClient;
  close(): Promise<void>;
}

/** The real app over a store whose SQL client the test keeps, to read rows the API never shows. */
async function startApp(storage: Storage): Promise<Harness> {
  if (storage !== 'postgres') {
    const db = await createTestPglite();
    const store = createSqlStore(db);
    const t = await createTestApp({
      overrides: { store },
    });
    return { t, db, close: () => t.close() };
  }
  const temp = await createTempDatabase();
  const db = createPostgresClient({ url: temp.url, poolMax: 10, statementTimeoutMs: 5000 });
  const t = await createTestApp({
    storage: 'postgres',
    postgresUrl: temp.url,
    overrides: { store: createSqlStore(db) },
  });
  return {
    t,
    db,
    close: async () => {
      await t.close();
      await temp.drop();
    },
  };
}

const GRACE_MS = 10_000;
let seq = 0;
const freshEmail = (label: string) => `refresh-${label}-${++seq}@example.com`;

const refresh = (t: TestApp, refreshToken: string) => t.http.post('/v1/auth/refresh').send({ refreshToken });

async function activeTokenCount(db: SqlClient, sessionId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1 AND rotated_at IS NULL',
    [sessionId],
  );
  return rows[0].n;
}

async function counterValue(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const metric = t.container.metrics.registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  const match = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}

describeEachStorage<Storage>(['pglite', 'postgres'], 'refresh-token rotation on %s', (storage) => {
  let h: Harness | undefined;

  beforeAll(async () => {
    h = await startApp(storage);
  });
  afterAll(async () => h?.close());

  const storageIt = (name: string, body: (h: Harness) => Promise<void>) =>
    it(name, async () => {
      if (!h) throw new Error('the app was not started');
      await body(h);
    });

  storageIt(
    'when a refresh token is presented, then a new pair for the same session comes back',
    async ({ t, db }) => {
      const signedIn = await t.signIn(freshEmail('pair'));

      const res = await refresh(t, signedIn.refreshToken);

      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'POST', '/v1/auth/refresh');
      expect(res.body.refreshToken).not.toBe(signedIn.refreshToken);
      expect(res.body.accessToken).not.toBe(signedIn.accessToken);
      expect(res.body.session.id).toBe(signedIn.session.id);
      expect(res.body.user.id).toBe(signedIn.user.id);
      expect(Buffer.from(res.body.refreshToken, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect(await activeTokenCount(db, signedIn.session.id)).toBe(1);
      const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${res.body.accessToken}`);
      expect(me.status).toBe(200);
    },
  );

  storageIt(
    'when a rotated refresh token is presented after the grace window, then it is refused',
    async ({ t }) => {
      const { refreshToken: rt0 } = await t.signIn(freshEmail('rotation'));
      const first = await refresh(t, rt0);
      expect(first.status).toBe(200);
      t.clock.advance(GRACE_MS + 1000);

      const again = await refresh(t, rt0);

      expect(again.status).toBe(401);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectMatchesOpenApi(again, 'POST', '/v1/auth/refresh');
    },
  );

  storageIt(
    'when a rotated token comes back within the grace window, then it gets the same successor',
    async ({ t, db }) => {
      const signedIn = await t.signIn(freshEmail('grace'));
      const first = await refresh(t, signedIn.refreshToken);
      t.clock.advance(5_000);

      const second = await refresh(t, signedIn.refreshToken);
      t.clock.advance(GRACE_MS - 5_000);
      const atEdge = await refresh(t, signedIn.refreshToken);

      expect([first.status, second.status, atEdge.status]).toEqual([200, 200, 200]);
      expect(second.body.refreshToken).toBe(first.body.refreshToken);
      expect(atEdge.body.refreshToken).toBe(first.body.refreshToken);
      expect(await activeTokenCount(db, signedIn.session.id)).toBe(1);
      const stored = await t.container.store.sessions.findById(signedIn.session.id);
      expect(stored?.revokedAt).toBeNull();
      const next = await refresh(t, first.body.refreshToken);
      expect(next.status).toBe(200);
    },
  );

  storageIt(
    'when the grandparent of the active token comes back within the grace window, then it is reuse',
    async ({ t }) => {
      const { refreshToken: rt0, session } = await t.signIn(freshEmail('grandparent'));
      const rt1 = (await refresh(t, rt0)).body.refreshToken as string;
      const rt2 = (await refresh(t, rt1)).body.refreshToken as string;

      const res = await refresh(t, rt0);

      expect(res.status).toBe(401);
      expect(res.body.code).toBe('refresh_token_reused');
      expect((await t.container.store.sessions.findById(session.id))?.revokedAt).not.toBeNull();
      expect((await refresh(t, rt2)).status).toBe(401);
    },
  );

  storageIt(
    'when RT0 is replayed after a chain RT0→RT3, then the whole session is revoked',
    async ({ t }) => {
      const signedIn = await t.signIn(freshEmail('reuse'));
      const chain = [signedIn.refreshToken];
      let accessToken = signedIn.accessToken;
      for (let i = 0; i < 3; i++) {
        const res = await refresh(t, chain[i]);
        expect(res.status).toBe(200);
        chain.push(res.body.refreshToken);
        accessToken = res.body.accessToken;
      }
      t.clock.advance(GRACE_MS + 1000);
      const reusedBefore = await counterValue(t, 'token_refreshes_total', { result: 'reused' });

      const replay = await refresh(t, chain[0]);

      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('refresh_token_reused');
      expectMatchesOpenApi(replay, 'POST', '/v1/auth/refresh');
      const stored = await t.container.store.sessions.findById(signedIn.session.id);
      expect(stored?.revokedAt).toEqual(t.clock.now());
      expect(stored?.revokedReason).toBe('refresh_token_reused');
      const current = await refresh(t, chain[3]);
      expect(current.status).toBe(401);
      const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${accessToken}`);
      expect(me.status).toBe(401);
      expect(me.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await counterValue(t, 'token_refreshes_total', { result: 'reused' })).toBe(reusedBefore + 1);
      const event = t.logs.find(
        (l) => l.event === 'auth.refresh.reused' && l.sessionId === signedIn.session.id,
      );
      expect(event).toMatchObject({ level: 'warn', severity: 'high' });
    },
  );

  storageIt(
    'when ten refreshes of one token race, then all get the same successor and the chain does not fork',
    async ({ t, db }) => {
      const signedIn = await t.signIn(freshEmail('race'));

      const results = await Promise.all(Array.from({ length: 10 }, () => refresh(t, signedIn.refreshToken)));

      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
      expect(await activeTokenCount(db, signedIn.session.id)).toBe(1);
      const stored = await t.container.store.sessions.findById(signedIn.session.id);
      expect(stored?.revokedAt).toBeNull();
      expect((await refresh(t, results[0].body.refreshToken)).status).toBe(200);
    },
  );
});
