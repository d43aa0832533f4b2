import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/platform/clock';
import { createTempDatabase } from '../../helpers/databases';
import { freePort, metricValue, waitFor } from '../../helpers/redis-server';
import { describeWith } from '../../helpers/services';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * REDIS_CLUSTER_NODES: a private three-master Redis Cluster. The cache keys of one user share a
 * hash tag, the limiter routes each key, and BullMQ's keys share the `{prefix}` tag.
 */
describeWith(['postgres', 'redis'], 'Redis Cluster (private, three masters)', () => {
  const clock = new ManualClock(new Date());
  const nodes: ChildProcess[] = [];
  let dir: string;
  let db: { url: string; drop: () => Promise<void> };
  let t: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otp-cluster-'));
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      nodes.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--save',
            '',
            '--appendonly',
            'no',
            '--cluster-node-timeout',
            '2000',
          ],
          { cwd: dir, stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) {
      await waitFor(
        () =>
          spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() ===
          'PONG',
      );
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (created.status !== 0) throw new Error(`cluster create failed: ${created.stdout}${created.stderr}`);
    await waitFor(
      () =>
        ports.every((p) =>
          spawnSync('redis-cli', ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' }).stdout.includes(
            'cluster_state:ok',
          ),
        ),
      15_000,
      'cluster_state:ok',
    );
    db = await createTempDatabase();
    t = await createTestApp({
      storage: 'postgres',
      postgresUrl: db.url,
      env: {
        REDIS_CLUSTER_NODES: ports.map((p) => `redis://127.0.0.1:${p}`).join(','),
        REDIS_KEY_PREFIX: 'cl:',
        VERIFY_RATE_LIMIT_PER_5_MIN: '3',
        TRUST_PROXY: '1',
      },
      overrides: { clock },
    });
    await waitFor(
      async () => (await t.http.get('/health/ready')).body.checks?.redis === 'ok',
      10_000,
      'cluster ready',
    );
  }, 60_000);

  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      for (const n of nodes) n.kill('SIGKILL');
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the service runs on a cluster, then mail goes through BullMQ, sessions are cached and limits are shared', async () => {
    const address = 'cluster-user@example.com';
    const code = await t.requestCode(address);
    expect(await metricValue(t.container.metrics.registry, 'mail_queue_fallback_total')).toBe(0);
    const verified = await t.http
      .post('/v1/otp/verify')
      .set('X-Forwarded-For', '10.9.0.1')
      .send({ email: address, code });
    expect(verified.status).toBe(200);
    const me = () => t.http.get('/v1/users/me').set('Authorization', `Bearer ${verified.body.accessToken}`);
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    expect(
      await metricValue(t.container.metrics.registry, 'cache_lookups_total', {
        cache: 'session',
        result: 'hit',
      }),
    ).toBeGreaterThanOrEqual(1);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.http
        .post('/v1/otp/verify')
        .set('X-Forwarded-For', '198.51.100.1')
        .send({ email: 'nobody@example.com', code: '000000' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await metricValue(t.container.metrics.registry, 'rate_limit_fallback_total')).toBe(0);

    expect(
      (await t.http.post('/v1/auth/logout').set('Authorization', `Bearer ${verified.body.accessToken}`))
        .status,
    ).toBe(204);
    expect((await me()).status).toBe(401);
  });
});
