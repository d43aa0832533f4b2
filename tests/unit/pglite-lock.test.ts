import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteClient, lockFileOf } from '../../src/platform/sql/pglite-client';
import { describeStorage } from '../../src/platform/config/describe-storage';

describe('the embedded database folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'otp-lock-')), 'pglite');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('when a second client opens a folder already open, then it is refused naming the folder and the PID', async () => {
    const first = await createPgliteClient(dir);
    try {
      await expect(createPgliteClient(dir)).rejects.toThrow(
        new RegExp(`${dir.replace(/[/\\.]/g, '\\$&')}.*in use by process ${process.pid}`),
      );
    } finally {
      await first.close();
    }
    expect(existsSync(lockFileOf(dir))).toBe(false);
    const again = await createPgliteClient(dir);
    await again.close();
  });

  it('when the lock file names a process that is gone, then the stale lock is taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    writeFileSync(lockFileOf(dir), String(dead));
    const client = await createPgliteClient(dir);
    await client.close();
  });
});

describe('describeStorage', () => {
  it('names the PostgreSQL server and database without the password', () => {
    const line = describeStorage({
      kind: 'postgres',
      url: 'postgresql://app:s3cr3t@db.internal:6543/otp',
      poolMax: 1,
      statementTimeoutMs: 100,
      preparedStatements: true,
    });
    expect(line).toBe('PostgreSQL postgresql://app@db.internal:6543/otp');
  });

  it('names the PGlite folder', () => {
    expect(describeStorage({ kind: 'pglite', dataDir: 'data' })).toMatch(
      /^embedded PGlite in \/.*data\/pglite$/,
    );
  });
});
