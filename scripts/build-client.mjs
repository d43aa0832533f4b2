/* global console, process, URL -- a plain Node script, run by `npm run build` */
/*
 * Bundles the browser library (client/, TypeScript) into one ES module, dist/client/client.js
 * (or the path given as the first argument, relative to the repository), which the service
 * serves at GET /v1/client.js. Type checking is `npm run typecheck`'s
 * (client/tsconfig.json); esbuild only strips the types and joins the files.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outfile = process.argv[2] ?? 'dist/client/client.js';

try {
  await build({
    absWorkingDir: root,
    entryPoints: ['client/index.ts'],
    outfile,
    tsconfig: 'client/tsconfig.json',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    banner: { js: `/* otp-login-api client ${version}, MIT. Source and docs: client/ and docs/api.md. */` },
    logLevel: 'warning',
  });
} catch {
  // esbuild has printed the errors.
  process.exit(1);
}
console.log(`build: ${outfile}`);
