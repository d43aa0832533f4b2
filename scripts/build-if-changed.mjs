/* global console, process, URL -- a plain Node script, run before anything is compiled */
/*
 * `npm start`'s prestart: compiles only when a source is newer than the last build
 * (dist/.tsbuildinfo), and then incrementally, so a warm start costs no compilation.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const buildInfo = join(root, 'dist', '.tsbuildinfo');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

let built = 0;
try {
  built = statSync(buildInfo).mtimeMs;
} catch {
  // Never built.
}
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'tsconfig.json')));
if (built >= sources) {
  console.log('build: dist is up to date, skipping tsc');
} else {
  console.log(built ? 'build: sources changed, compiling incrementally' : 'build: first build (tsc)');
  const started = Date.now();
  const tsc = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
