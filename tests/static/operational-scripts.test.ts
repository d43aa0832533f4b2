/**
 * The operational scripts (backups, restores, the blue-green switch), run against stub
 * database tools: credentials never reach argv or output, a failed dump never looks complete,
 * retention prunes only old dumps, and a restore needs CONFIRM_RESTORE=yes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { root, Env } from './deployment-files';

describe('operational scripts', () => {
  const scripts = [
    'scripts/backup-postgres.sh',
    'scripts/restore-postgres.sh',
    'scripts/backup-mongo.sh',
    'scripts/restore-mongo.sh',
    'scripts/blue-green-switch.sh',
  ];

  it.each(scripts)('when %s is checked, then it is executable and bash parses it', (file) => {
    const path = join(root, file);
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
    expect(() => execFileSync('bash', ['-n', path], { stdio: 'pipe' })).not.toThrow();
  });

  describe('against stub database tools', () => {
    let dir: string;
    let bin: string;
    const password = 's3cr3t-Pa55';

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'otp-backup-'));
      bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      // Stubs record their arguments and write a fake dump where asked.
      const stub = (name: string, body: string) => {
        writeFileSync(
          join(bin, name),
          `#!/usr/bin/env bash\necho "$*" >> "${dir}/${name}.calls"\n${body}\n`,
          { mode: 0o755 },
        );
      };
      stub('pg_dump', 'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done');
      stub('pg_restore', 'exit 0');
      stub(
        'mongodump',
        'for a in "$@"; do case "$a" in --archive=*) echo dump > "${a#--archive=}";; --config=*) cat "${a#--config=}" >> "' +
          dir +
          '/mongodump.config";; esac; done',
      );
      stub('mongorestore', 'exit 0');
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const run = (file: string, args: string[], env: Env) =>
      spawnSync('bash', [join(root, file), ...args], {
        encoding: 'utf8',
        env: { PATH: `${bin}:${process.env.PATH}`, BACKUP_DIR: join(dir, 'backups'), ...env },
      });
    const calls = (tool: string) =>
      existsSync(join(dir, `${tool}.calls`)) ? readFileSync(join(dir, `${tool}.calls`), 'utf8') : '';

    it('when a PostgreSQL backup runs, then a timestamped -Fc dump is written and the URL is never printed', () => {
      const url = `postgresql://app:${password}@db.internal:5432/otp`;
      const result = run('scripts/backup-postgres.sh', [], { POSTGRESQL_URL: url });
      expect(result.status).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(password);
      expect(calls('pg_dump')).toMatch(/--format=custom/);
      const written = readFileSync(join(dir, 'pg_dump.calls'), 'utf8').match(/--file=(\S+)/)?.[1] ?? '';
      expect(written).toMatch(/otp-postgres-\d{8}T\d{6}Z\.dump\.partial$/);
      expect(existsSync(written.replace(/\.partial$/, ''))).toBe(true);
    });

    it('when pg_dump fails, then the backup fails and leaves no dump that looks complete', () => {
      writeFileSync(join(bin, 'pg_dump'), '#!/usr/bin/env bash\nexit 3\n', { mode: 0o755 });
      const result = run('scripts/backup-postgres.sh', [], { POSTGRESQL_URL: 'postgresql://localhost/otp' });
      expect(result.status).not.toBe(0);
      const backups = join(dir, 'backups');
      const complete = existsSync(backups) ? readdirSync(backups).filter((f) => f.endsWith('.dump')) : [];
      expect(complete).toEqual([]);
    });

    it('when old dumps exist, then those past BACKUP_RETENTION_DAYS are pruned and recent ones kept', () => {
      const backups = join(dir, 'backups');
      mkdirSync(backups, { recursive: true });
      const old = join(backups, 'otp-postgres-20000101T000000Z.dump');
      const recent = join(backups, 'otp-postgres-20000102T000000Z.dump');
      writeFileSync(old, 'x');
      writeFileSync(recent, 'x');
      const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
      utimesSync(old, daysAgo(20), daysAgo(20));
      utimesSync(recent, daysAgo(2), daysAgo(2));
      const result = run('scripts/backup-postgres.sh', [], {
        POSTGRESQL_URL: 'postgresql://localhost/otp',
        BACKUP_RETENTION_DAYS: '14',
      });
      expect(result.status).toBe(0);
      expect(existsSync(old)).toBe(false);
      expect(existsSync(recent)).toBe(true);
    });

    it('when a MongoDB backup runs, then mongodump gets the URL in a private config file, not argv or output', () => {
      const url = `mongodb://app:${password}@mongo.internal:27017/otp?replicaSet=rs0`;
      const result = run('scripts/backup-mongo.sh', [], { DATABASE_URL: url });
      expect(result.status).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(password);
      expect(calls('mongodump')).not.toContain(password);
      expect(calls('mongodump')).toMatch(/--archive=\S+otp-mongo-\d{8}T\d{6}Z\.archive\.gz\.partial --gzip/);
      expect(parse(readFileSync(join(dir, 'mongodump.config'), 'utf8'))).toEqual({ uri: url });
    });

    it.each([
      ['scripts/restore-postgres.sh', 'pg_restore', { POSTGRESQL_URL: 'postgresql://localhost/otp' }],
      ['scripts/restore-mongo.sh', 'mongorestore', { MONGODB_URL: 'mongodb://localhost/otp' }],
    ])('when %s runs without CONFIRM_RESTORE=yes, then it refuses and touches nothing', (file, tool, env) => {
      const dump = join(dir, 'backup.file');
      writeFileSync(dump, 'x');
      const refused = run(file, [dump], env);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/CONFIRM_RESTORE=yes/);
      expect(calls(tool)).toBe('');

      const noFile = run(file, [], { ...env, CONFIRM_RESTORE: 'yes' });
      expect(noFile.status).not.toBe(0);
      expect(calls(tool)).toBe('');

      const confirmed = run(file, [dump], { ...env, CONFIRM_RESTORE: 'yes' });
      expect(confirmed.status).toBe(0);
      expect(calls(tool)).toMatch(
        tool === 'pg_restore' ? /--clean --if-exists --no-owner/ : /--drop .*--gzip/,
      );
    });
  });
});
