import { expectMatchesOpenApi } from '../helpers/openapi-assert';
import { describeEachStorage } from '../helpers/services';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { totp } from '../helpers/totp';
import { freshEmail, sha256, keyId, type SignedIn, type Storage } from './admin-fixtures';

/**
 * A user's second factor on the admin side (docs/admin.md, "Second factor"): the detail shows
 * its state and the unused recovery codes, never the secret or a hash; a `write` key resets
 * it (the user enrols again, TOTP step-up stops working, sessions stay), a read key is refused,
 * and each reset is an audit entry.
 */

const KEY = 'factors-both-Vq3xN8pL2mR7tY0wZ5sK9dF4';
const READ = 'factors-read-Hn2Lk8Pq4Wz6Xc1Vb7Nm3Jt9';
const ADMIN_API_KEYS = [KEY, `sha256:${sha256(READ)};scopes=read`].join(',');

describeEachStorage<Storage>(
  ['pglite', 'postgres'],
  'admin view and reset of second factors on %s',
  (storage) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ storage, env: { ADMIN_API_KEYS } });
    });
    afterAll(async () => t?.close());

    const auth = (s: SignedIn | string) => ({
      Authorization: `Bearer ${typeof s === 'string' ? s : s.accessToken}`,
    });
    const detail = async (userId: string) => {
      const res = await t.http.get(`/v1/admin/users/${userId}`).set('X-API-Key', READ);
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'GET', '/v1/admin/users/{id}');
      return res;
    };
    const reset = (userId: string, key = KEY) =>
      t.http.delete(`/v1/admin/users/${userId}/factors`).set('X-API-Key', key);

    /** Signs in, enrols and confirms a TOTP factor; the secret and the confirmation's answer. */
    async function enrolled(label: string) {
      const signedIn = await t.signIn(freshEmail(label));
      const enrol = await t.http.post('/v1/mfa/totp').set(auth(signedIn));
      expect(enrol.status).toBe(201);
      const secret = enrol.body.secret as string;
      const pending = await detail(signedIn.user.id);
      const confirm = await t.http
        .post('/v1/mfa/totp/confirm')
        .set(auth(signedIn))
        .send({ code: totp(secret, t.clock.now().getTime()) });
      expect(confirm.status).toBe(200);
      return { signedIn, secret, pending, confirm };
    }

    it('when a user has no factor, then the detail says so; pending, then active with ten codes, one fewer once used', async () => {
      const plain = await t.signIn(freshEmail('none'));
      expect((await detail(plain.user.id)).body.factors).toEqual({
        totp: null,
        recoveryCodes: { remaining: 0 },
      });

      const { signedIn, pending, confirm } = await enrolled('view');
      expect(pending.body.factors).toEqual({
        totp: {
          status: 'pending',
          createdAt: t.clock.now().toISOString(),
          confirmedAt: null,
          lastUsedAt: null,
        },
        recoveryCodes: { remaining: 0 },
      });
      const active = (await detail(signedIn.user.id)).body.factors;
      expect(active.totp).toMatchObject({ status: 'active', confirmedAt: t.clock.now().toISOString() });
      // The last accepted code's 30-second step, at most 30 s before now.
      const lastUsed = Date.parse(active.totp.lastUsedAt);
      expect(t.clock.now().getTime() - lastUsed).toBeLessThan(30_000);
      expect(active.recoveryCodes).toEqual({ remaining: 10 });

      t.clock.advance(301_000);
      const up = await t.http
        .post('/v1/auth/step-up')
        .set(auth(signedIn))
        .send({ recoveryCode: confirm.body.recoveryCodes[0] });
      expect(up.status).toBe(200);
      expect((await detail(signedIn.user.id)).body.factors.recoveryCodes).toEqual({ remaining: 9 });
    });

    it('when the detail is read, then neither the secret, its sealed form nor a recovery code is in it', async () => {
      const { signedIn, secret, pending, confirm } = await enrolled('hidden');
      const sealed = (await t.container.store.mfa.findFactor(signedIn.user.id))!.secretEncrypted;
      for (const res of [pending, await detail(signedIn.user.id)]) {
        expect(res.text).not.toContain(secret);
        expect(res.text).not.toContain(sealed);
        // No field named for a secret, a hash or a step (the email is the only free text).
        expect(res.text).not.toMatch(/"[a-z]*(secret|hash|step)[a-z]*":/i);
        for (const code of confirm.body.recoveryCodes as string[]) expect(res.text).not.toContain(code);
      }
    });

    it('when a write key resets the factor, then 204: TOTP step-up fails, the user enrols again, sessions stay', async () => {
      const { signedIn, secret } = await enrolled('reset');
      t.clock.advance(301_000);

      const res = await reset(signedIn.user.id);

      expect(res.status).toBe(204);
      expectMatchesOpenApi(res, 'DELETE', '/v1/admin/users/{id}/factors');
      expect((await detail(signedIn.user.id)).body.factors).toEqual({
        totp: null,
        recoveryCodes: { remaining: 0 },
      });
      expect((await t.http.get('/v1/users/me').set(auth(signedIn))).status).toBe(200);
      const up = await t.http
        .post('/v1/auth/step-up')
        .set(auth(signedIn))
        .send({ totpCode: totp(secret, t.clock.now().getTime()) });
      expect(up.status).toBe(401);
      expect(up.body.code).toBe('invalid_code');
      // Without TOTP the step-up asked for is an email code again.
      const sensitive = await t.http.post('/v1/mfa/recovery-codes').set(auth(signedIn));
      expect(sensitive.body).toMatchObject({ code: 'step_up_required', methods: ['email'] });
      expect((await t.http.post('/v1/mfa/totp').set(auth(signedIn))).status).toBe(201);
      // A second reset finds nothing active and still answers 204.
      expect((await reset(signedIn.user.id)).status).toBe(204);
    });

    it('when a read-only key resets, then 403 and the factor stays; an unknown or malformed id is 404', async () => {
      const { signedIn } = await enrolled('read-only');
      const refused = await reset(signedIn.user.id, READ);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'forbidden', detail: 'this key lacks the write scope' });
      expectMatchesOpenApi(refused, 'DELETE', '/v1/admin/users/{id}/factors');
      expect((await detail(signedIn.user.id)).body.factors.totp.status).toBe('active');

      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const missing = await reset(id);
        expect(missing.status).toBe(404);
        expect(missing.body.code).toBe('not_found');
      }
    });

    it('when factors are reset or a reset is refused, then the audit log lists each with the key id and outcome', async () => {
      const { signedIn } = await enrolled('audit');
      const refused = await reset(signedIn.user.id, READ);
      t.clock.advance(1000);
      const done = await reset(signedIn.user.id);
      expect(done.status).toBe(204);

      const res = await t.http.get('/v1/admin/audit?action=admin.user.factors_reset').set('X-API-Key', READ);
      expect(res.status).toBe(200);
      expectMatchesOpenApi(res, 'GET', '/v1/admin/audit');
      expect(res.body.data[0]).toMatchObject({
        action: 'admin.user.factors_reset',
        target: signedIn.user.id,
        keyId: keyId(KEY),
        requestId: done.headers['x-request-id'],
        outcome: 'success',
        details: { removed: true },
      });
      const refusals = await t.http.get('/v1/admin/audit?action=admin.auth.refused').set('X-API-Key', READ);
      expect(refusals.body.data).toContainEqual(
        expect.objectContaining({ keyId: keyId(READ), requestId: refused.headers['x-request-id'] }),
      );
    });
  },
);
