import { createPostgresClient } from '../../src/platform/sql/postgres-client';
import { createTempDatabase } from '../helpers/databases';
import { describeWith } from '../helpers/services';
import { totp } from '../helpers/totp';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/test-app';

/** TOTP secrets at rest across a SESSION_SECRET rotation (docs/security.md, row 59). */

const NEW_SECRET = 'rotated-secret-0123456789abcdef0123456789abcdef';

describeWith('postgres', 'TOTP secrets and SESSION_SECRET rotation (PostgreSQL)', () => {
  it('when the secret rotates, then the old ciphertext still opens, is re-sealed on use, and then needs no previous secret', async () => {
    const temp = await createTempDatabase();
    const db = createPostgresClient({ url: temp.url, poolMax: 2, statementTimeoutMs: 5000 });
    const apps: TestApp[] = [];
    const start = async (env: Record<string, string>) => {
      const app = await createTestApp({ storage: 'postgres', postgresUrl: temp.url, env });
      apps.push(app);
      return app;
    };
    const sealed = async () =>
      (await db.query<{ secret_encrypted: string }>('SELECT secret_encrypted FROM totp_factors'))[0]
        .secret_encrypted;
    try {
      const email = 'rotation@example.com';
      const before = await start({});
      const first = await before.signIn(email);
      const bearer = { Authorization: `Bearer ${first.accessToken}` };
      const enrol = await before.http.post('/v1/mfa/totp').set(bearer);
      const secret = enrol.body.secret as string;
      const at = before.clock.now().getTime();
      const confirm = await before.http
        .post('/v1/mfa/totp/confirm')
        .set(bearer)
        .send({ code: totp(secret, at) });
      expect(confirm.status).toBe(200);
      const old = await sealed();
      expect(old).not.toContain(secret);

      const rotated = await start({ SESSION_SECRET: NEW_SECRET, SESSION_SECRET_PREVIOUS: TEST_SECRET });
      rotated.clock.set(new Date(at + 60_000));
      const second = await rotated.signIn(email);
      const up = await rotated.http
        .post('/v1/auth/step-up')
        .set({ Authorization: `Bearer ${second.accessToken}` })
        .send({ totpCode: totp(secret, rotated.clock.now().getTime()) });
      expect(up.status).toBe(200);
      expect(await sealed()).not.toBe(old);

      const after = await start({ SESSION_SECRET: NEW_SECRET });
      after.clock.set(new Date(rotated.clock.now().getTime() + 60_000));
      const third = await after.signIn(email);
      const again = await after.http
        .post('/v1/auth/step-up')
        .set({ Authorization: `Bearer ${third.accessToken}` })
        .send({ totpCode: totp(secret, after.clock.now().getTime()) });
      expect(again.status).toBe(200);
    } finally {
      for (const app of apps) await app.close();
      await db.close();
      await temp.drop();
    }
  });
});
