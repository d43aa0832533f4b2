/**
 * The README and docs/ are read by people outside the project: they speak in the project's own
 * words, cite only files in the repository, start with the two-command quick start, show the
 * Docker Compose path, and the curl walkthrough can be pasted as it stands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const PUBLIC_DOCS = [
  'README.md',
  'SECURITY.md',
  'CHANGELOG.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Words from the project's internal history and working notes that mean nothing to a reader. */
const INTERNAL = [
  /\b(the |design )card\b/i,
  /\bcard's\b/i,
  /\bmachines? here\b/i,
  /\bthis machine\b/i,
  /\bsession \d+\b/i,
  /\bPRODUCT\.md\b/,
  /(^|[\s(`'"])\.\.\/shared\b/,
];

function internalPhrases(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) =>
      INTERNAL.filter((re) => re.test(line)).map((re) => `${file}:${i + 1}: ${re.source}: ${line.trim()}`),
    );
}

/** Relative Markdown link targets that leave the repository or do not exist. */
function brokenLocalLinks(file: string, text: string): string[] {
  const targets = [...text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
  return targets
    .filter((t) => !/^[a-z]+:/i.test(t))
    .filter((t) => {
      const path = resolve(dirname(join(root, file)), t);
      return relative(root, path).startsWith('..') || !existsSync(path);
    })
    .map((t) => `${file}: ${t}`);
}

/** Fenced code blocks of a Markdown text with their info string. */
const codeBlocks = (text: string) =>
  [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], body: m[2] }));

/** Variables a shell snippet reads before (or without) assigning them. */
function unassignedVariables(script: string): string[] {
  const assigned = new Set<string>();
  const missing = new Set<string>();
  for (const line of script.split('\n').filter((l) => !l.trim().startsWith('#'))) {
    for (const m of line.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) if (!assigned.has(m[1])) missing.add(m[1]);
    for (const m of line.matchAll(/(?:^|[\s;(])([A-Z_][A-Z0-9_]*)=/g)) assigned.add(m[1]);
  }
  return [...missing];
}

describe('public documentation', () => {
  it.each(PUBLIC_DOCS)('when %s is read, then it has none of the internal phrases', (file) => {
    expect(internalPhrases(file, read(file))).toEqual([]);
  });

  it.each(PUBLIC_DOCS)('when %s links a local file, then the file is in the repository', (file) => {
    expect(brokenLocalLinks(file, read(file))).toEqual([]);
  });

  it('when the checks see internal words or an outside link, then they report them', () => {
    const text = "The card's aliases\nsee PRODUCT.md\n[x](../shared/y.md)\ncardinality stays flat\n";
    const lines = new Set(internalPhrases('x.md', text).map((hit) => hit.split(':')[1]));
    expect([...lines]).toEqual(['1', '2', '3']);
    expect(
      brokenLocalLinks('README.md', '[a](../shared/PRODUCT.md) [b](docs/api.md) [c](https://x.y)'),
    ).toEqual(['README.md: ../shared/PRODUCT.md']);
    expect(unassignedVariables('A=1\necho "$A $B"\nC=$(x)\necho ${C}')).toEqual(['B']);
  });
});

describe('README', () => {
  const readme = read('README.md');
  const sections = readme.split(/^## /m).slice(1);
  const blocks = codeBlocks(readme);

  it('when opened, then its first section is the two-command quick start', () => {
    expect(sections[0]).toMatch(/^Quick start\n/);
    const quick = codeBlocks(sections[0])[0].body;
    expect(quick).toMatch(/^npm ci && npm start\b/m);
    expect(quick).toMatch(/^npm test\b/m);
  });

  it('when an operator reads it, then it shows the Docker Compose path step by step', () => {
    const compose = sections.find((s) => /^Running it with Docker Compose\n/.test(s)) ?? '';
    for (const step of [
      'cp .env.docker.example .env.docker',
      'docker compose up',
      'docker-compose up',
      '--profile postgres',
      'http://127.0.0.1:8025',
      'POSTGRESQL_URL=postgresql://otp:',
      'randomBytes(32)',
    ]) {
      expect(compose).toContain(step);
    }
    for (const secret of ['SESSION_SECRET', 'METRICS_TOKEN', 'ADMIN_API_KEYS', 'POSTGRES_PASSWORD']) {
      expect(compose).toContain(secret);
    }
    for (const container of ['api', 'mongo', 'redis', 'mailpit', 'worker', 'postgres']) {
      expect(compose).toContain(`\`${container}\``);
    }
  });

  it('when the curl walkthrough is pasted, then it sets every variable it uses and parses as bash', () => {
    const walkthrough = blocks.filter((b) => b.lang === 'bash' && /localhost:5000\/v1\//.test(b.body));
    expect(walkthrough.length).toBeGreaterThan(0);
    const script = walkthrough.map((b) => b.body).join('\n');
    expect(script).toMatch(/\$ACCESS_TOKEN/);
    expect(script).toMatch(/\$REFRESH_TOKEN/);
    expect(unassignedVariables(script)).toEqual([]);
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
  });
});
