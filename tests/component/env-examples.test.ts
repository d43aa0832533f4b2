import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { buildContainer } from '../../src/composition-root';
import { ConfigError, loadConfig } from '../../src/platform/config/config';

const root = join(__dirname, '..', '..');

/** A copy of the example file read the way `import 'dotenv/config'` reads `.env`. */
function loadExample(name: string, dir: string): Record<string, string> {
  const copy = join(dir, '.env');
  copyFileSync(join(root, name), copy);
  return parse(readFileSync(copy));
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('the example environment files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otp-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when .env.example is copied to .env, then the app starts from it and answers /health/ready', async () => {
    const env: Record<string, string> = { ...loadExample('.env.example', dir), DATA_DIR: join(dir, 'data') };
    expect(env.EMAIL_PRIMARY_COLOR).toBe('#2563eb');
    const container = await buildContainer(loadConfig(env));
    try {
      const res = await supertest(createApp(container)).get('/health/ready');
      expect(res.status).toBe(200);
    } finally {
      await container.close();
    }
    // A fresh PGlite folder runs initdb: slow on a loaded machine.
  }, 120_000);

  it('when .env.docker.example still holds its CHANGE_ME placeholders, then production refuses each one', () => {
    const problems = problemsOf(loadExample('.env.docker.example', dir)).join('\n');
    expect(problems).toMatch(/SESSION_SECRET/);
    expect(problems).toMatch(/METRICS_TOKEN/);
    expect(problems).toMatch(/ADMIN_API_KEYS/);
  });

  it('when the placeholders of .env.docker.example are replaced, then production accepts it', () => {
    const env = loadExample('.env.docker.example', dir);
    const replaced = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [
        k,
        /CHANGE_ME/.test(v) ? `${k.toLowerCase()}-a3f1c9e07b5d2468a3f1c9e07b5d2468` : v,
      ]),
    );
    expect(Object.values(env).some((v) => /CHANGE_ME/.test(v))).toBe(true);
    expect(problemsOf(replaced)).toEqual([]);
  });
});
