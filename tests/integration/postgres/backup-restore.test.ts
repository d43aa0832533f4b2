import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTempDatabase } from '../../helpers/databases';
import { describeWith } from '../../helpers/services';

/**
 * scripts/backup-postgres.sh and scripts/restore-postgres.sh against the local PostgreSQL, with a
 * URL that holds a password. Anything on a command line is readable by every user of the host
 * (`ps`, /proc/<pid>/cmdline), so the password must reach pg_dump / pg_restore some other way:
 * a private password file named by PGPASSFILE, deleted when the script exits.
 *
 * `pg_dump` and `pg_restore` are wrapped: a script first on PATH records the argv, PGPASSWORD and
 * the password file as the tool saw them, then runs the real tool, so the dump and the restore
 * really happen.
 */
const root = join(__dirname, '..', '..', '..');
const PASSWORD = 'p@ss:w/rd\\%Z 1';

describeWith('postgres', 'PostgreSQL backup and restore scripts with a password in the URL', () => {
  let dir: string;
  let source: { url: string; drop: () => Promise<void> };
  let target: { url: string; drop: () => Promise<void> };

  /** The URL of a temporary database, with user-info `postgres:<PASSWORD>` and a query string. */
  const withPassword = (url: string) => {
    const u = new URL(url);
    u.username = 'postgres';
    u.password = encodeURIComponent(PASSWORD);
    u.searchParams.set('application_name', 'otp-backup-test');
    return u.toString();
  };

  const wrap = (tool: string) => {
    const real = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    const log = join(dir, `${tool}.seen`);
    writeFileSync(
      join(dir, 'bin', tool),
      [
        '#!/usr/bin/env bash',
        `{ printf 'argv:'; printf ' %q' "$@"; echo`,
        `  echo "PGPASSWORD:\${PGPASSWORD-<unset>}"`,
        `  echo "PGPASSFILE:\${PGPASSFILE-<unset>}"`,
        `  if [ -n "\${PGPASSFILE-}" ]; then echo "mode:$(stat -c %a "$PGPASSFILE")"; echo "line:$(cat "$PGPASSFILE")"; fi`,
        `} > ${JSON.stringify(log)}`,
        `exec ${JSON.stringify(real)} "$@"`,
      ].join('\n'),
      { mode: 0o755 },
    );
    return () => readFileSync(log, 'utf8');
  };

  const run = (file: string, args: string[], env: Record<string, string>) =>
    spawnSync('bash', [join(root, file), ...args], {
      encoding: 'utf8',
      env: {
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        BACKUP_DIR: join(dir, 'backups'),
        PGPASSWORD: 'stale-password-from-the-environment',
        ...env,
      },
    });

  const seenBy = (log: string) => ({
    argv: /^argv:(.*)$/m.exec(log)?.[1] ?? '',
    pgpassword: /^PGPASSWORD:(.*)$/m.exec(log)?.[1],
    passfile: /^PGPASSFILE:(.*)$/m.exec(log)?.[1] ?? '',
    mode: /^mode:(.*)$/m.exec(log)?.[1],
    line: /^line:(.*)$/m.exec(log)?.[1],
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otp-pg-backup-'));
    mkdirSync(join(dir, 'bin'));
    source = await createTempDatabase();
    target = await createTempDatabase();
    const c = new Client({ connectionString: source.url });
    await c.connect();
    await c.query('CREATE TABLE backup_probe (id int PRIMARY KEY, note text)');
    await c.query("INSERT INTO backup_probe VALUES (1, 'survives a backup and a restore')");
    await c.end();
  });

  afterAll(async () => {
    await source?.drop();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the password file must hold: any host/port/db/user, the password with \ and : escaped. */
  const passfileLine = `*:*:*:*:${PASSWORD.replace(/[\\:]/g, (c) => `\\${c}`)}`;

  it('when a backup runs, then pg_dump gets the password through a private PGPASSFILE, never in argv', () => {
    const seen = wrap('pg_dump');
    const result = run('scripts/backup-postgres.sh', [], { POSTGRESQL_URL: withPassword(source.url) });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const log = seenBy(seen());
    expect(log.argv).toMatch(/--dbname=postgresql:\/\/postgres@/);
    expect(log.argv).toContain('application_name=otp-backup-test');
    expect(log.argv).not.toContain(encodeURIComponent(PASSWORD));
    expect(log.argv).not.toMatch(/p@ss|p%40ss|password=/i);
    expect(log.pgpassword).toBe('<unset>');
    expect(log.mode).toBe('600');
    expect(log.line).toBe(passfileLine);
    expect(existsSync(log.passfile)).toBe(false);
    expect(result.stdout + result.stderr).not.toContain('p%40ss');
    expect(
      readdirSync(join(dir, 'backups')).filter((f) => /^otp-postgres-\d{8}T\d{6}Z\.dump$/.test(f)),
    ).toHaveLength(1);
  });

  it('when the password is a ?password= parameter, then it goes to the PGPASSFILE too', () => {
    const seen = wrap('pg_dump');
    // Percent-encoded as libpq decodes it (it reads '+' as a plus, so no URLSearchParams here).
    const result = run('scripts/backup-postgres.sh', [], {
      POSTGRESQL_URL: `${source.url}?sslmode=disable&password=${encodeURIComponent(PASSWORD)}`,
      BACKUP_DIR: join(dir, 'backups-query'),
    });
    expect(result.status).toBe(0);
    const log = seenBy(seen());
    expect(log.argv).not.toMatch(/password/i);
    expect(log.argv).toContain('sslmode=disable');
    expect(log.line).toBe(passfileLine);
  });

  it('when the dump is restored into another database, then pg_restore gets no password in argv and the data is back', async () => {
    const seen = wrap('pg_restore');
    const dump = readdirSync(join(dir, 'backups')).find((f) => f.endsWith('.dump')) as string;
    const result = run('scripts/restore-postgres.sh', [join(dir, 'backups', dump)], {
      POSTGRESQL_URL: withPassword(target.url),
      CONFIRM_RESTORE: 'yes',
    });
    expect(result.status).toBe(0);
    const log = seenBy(seen());
    expect(log.argv).toMatch(/--dbname=postgresql:\/\/postgres@/);
    expect(log.argv).not.toMatch(/p@ss|p%40ss|password=/i);
    expect(log.pgpassword).toBe('<unset>');
    expect(log.mode).toBe('600');
    expect(log.line).toBe(passfileLine);
    expect(existsSync(log.passfile)).toBe(false);

    const c = new Client({ connectionString: target.url });
    await c.connect();
    const rows = (await c.query('SELECT note FROM backup_probe')).rows;
    await c.end();
    expect(rows).toEqual([{ note: 'survives a backup and a restore' }]);
  });

  it('when the URL has no password, then no password file is made and the environment is left alone', () => {
    const seen = wrap('pg_dump');
    const result = run('scripts/backup-postgres.sh', [], {
      POSTGRESQL_URL: source.url,
      BACKUP_DIR: join(dir, 'backups-plain'),
    });
    expect(result.status).toBe(0);
    const log = seenBy(seen());
    expect(log.passfile).toBe('<unset>');
    expect(log.pgpassword).toBe('stale-password-from-the-environment');
  });
});
