import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectMatchesOpenApi } from '../helpers/openapi-assert';

describe('sign-in flow (PGlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('when a person requests and verifies a code, then they get tokens that open /users/me', async () => {
    const body = await t.signIn('Smoke@Example.com');
    const me = await t.http.get('/v1/users/me').set('Authorization', `Bearer ${body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('smoke@example.com');
    expectMatchesOpenApi(me, 'GET', '/v1/users/me');
  });
});
