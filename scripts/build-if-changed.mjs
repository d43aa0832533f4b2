/* global console, process, URL -- a plain Node script, run before anything is compiled */
/*
 * `npm start`'s prestart: compiles only when a source is newer than its last build (src/ than
 * dist/.tsbuildinfo, the browser library in client/ than its bundle dist/client/client.js), and
 * then incrementally, so a warm start costs no compilation.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** When `path` was last written, or 0 when it does not exist. */
function writtenAt(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

// tsc leaves its build info alone when nothing changed, so each output is held to its own sources.
const server = writtenAt(join(root, 'dist', '.tsbuildinfo'));
const bundle = writtenAt(join(root, 'dist', 'client', 'client.js'));
const config = (name) => writtenAt(join(root, name));
const serverSources = Math.max(newest(join(root, 'src')), config('tsconfig.json'));
const clientSources = Math.max(
  newest(join(root, 'client')),
  config('scripts/build-client.mjs'),
  config('package.json'),
);
const built = Math.min(server, bundle);
const upToDate = server >= serverSources && bundle >= clientSources;
if (upToDate) {
  console.log('build: dist is up to date, skipping tsc');
} else {
  console.log(built ? 'build: sources changed, compiling incrementally' : 'build: first build (tsc)');
  const started = Date.now();
  const tsc = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
