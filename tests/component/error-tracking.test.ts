import { createTestPglite } from '../helpers/pglite';
import { createSqlStore } from '../../src/store/sql/sql-store';
import type { Store } from '../../src/store/store';
import { startSentryStub } from '../helpers/sentry-stub';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('error tracking', () => {
  let t: TestApp;
  let sentry: Awaited<ReturnType<typeof startSentryStub>>;
  let failReads = false;

  beforeAll(async () => {
    sentry = await startSentryStub();
    const base = createSqlStore(await createTestPglite());
    const store: Store = {
      ...base,
      users: {
        ...base.users,
        findById: async (id) => {
          if (failReads) throw new Error('disk on fire while reading victim@example.com');
          return base.users.findById(id);
        },
      },
    };
    t = await createTestApp({ env: { SENTRY_DSN: sentry.url }, overrides: { store } });
  });
  afterAll(async () => {
    await sentry.close();
  });

  it('when a request fails unexpectedly, then the client gets a bare 500 and Sentry gets the error without the email', async () => {
    const { accessToken } = await t.signIn('tracked@example.com');
    failReads = true;
    const res = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${accessToken}`);
    failReads = false;

    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal_error');
    expect(JSON.stringify(res.body)).not.toMatch(/disk on fire|at |node_modules/);

    await t.close(); // flushes the reporter
    const all = sentry.envelopes.join('\n');
    expect(all).toContain('disk on fire');
    expect(all).toContain(res.body.requestId);
    expect(all).not.toContain('victim@example.com');
    expect(all).not.toContain(accessToken);
  });
});
