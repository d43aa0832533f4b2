/**
 * Writes .env.example and the README configuration table from the Joi schema's descriptions,
 * so the three never drift. `npm run docs:env` regenerates; tests/unit/env-docs.test.ts fails
 * when either file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { envSchema } from '../src/platform/config/config.schema';

interface KeyDescription {
  flags?: { description?: string; default?: unknown };
}

const root = join(__dirname, '..');
export const README_START = '<!-- env-table:start -->';
export const README_END = '<!-- env-table:end -->';

export function describeEnv(): Array<{ name: string; description: string; default: string }> {
  const keys = (envSchema.describe() as { keys: Record<string, KeyDescription> }).keys;
  return Object.entries(keys).map(([name, d]) => ({
    name,
    description: d.flags?.description ?? '',
    default: d.flags?.default === undefined ? '' : String(d.flags.default),
  }));
}

/**
 * A value as dotenv reads it back unchanged: an unquoted `#` starts a comment (`#2563eb` would
 * read as empty), and spaces or quotes would be trimmed or eaten, so such values are quoted.
 */
export function envValue(value: string): string {
  if (!/[#\s"'`\\]/.test(value)) return value;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

export function renderEnvExample(): string {
  const lines = [
    '# otp-login-api configuration. Every variable is optional in development;',
    '# NODE_ENV=production refuses to start until the production ones are set.',
    '# Generated from src/platform/config/settings/ by `npm run docs:env`.',
    '',
  ];
  for (const v of describeEnv()) {
    lines.push(`# ${v.description}`);
    lines.push(`${v.name}=${envValue(v.default)}`);
    lines.push('');
  }
  return lines.join('\n');
}

export function renderReadmeTable(): string {
  const rows = describeEnv().map(
    (v) =>
      `| \`${v.name}\` | ${v.default === '' ? '' : `\`${v.default}\``} | ${v.description.replace(/\|/g, '\\|')} |`,
  );
  return [README_START, '| variable | default | what it does |', '|---|---|---|', ...rows, README_END].join(
    '\n',
  );
}

/** The README with a fresh table, formatted as `prettier --write` would leave it. */
export async function withReadmeTable(readme: string): Promise<string> {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < 0) throw new Error('README.md has no env-table markers');
  const next = readme.slice(0, start) + renderReadmeTable() + readme.slice(end + README_END.length);
  const options = (await resolveConfig(join(root, 'README.md'))) ?? {};
  return format(next, { ...options, parser: 'markdown' });
}

if (require.main === module) {
  void (async () => {
    writeFileSync(join(root, '.env.example'), renderEnvExample());
    const readmePath = join(root, 'README.md');
    writeFileSync(readmePath, await withReadmeTable(readFileSync(readmePath, 'utf8')));
    console.log('wrote .env.example and the README configuration table');
  })();
}
