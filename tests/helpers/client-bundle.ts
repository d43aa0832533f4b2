import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/**
 * Bundles client/ as `npm run build` does (scripts/build-client.mjs), into a folder of its own
 * (test files run in parallel), so a test serves exactly what the build makes, built or not.
 */
export function buildClientBundle(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'otp-client-'));
  const path = join(dir, 'client.js');
  execFileSync(process.execPath, ['scripts/build-client.mjs', path], { cwd: root, stdio: 'pipe' });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
