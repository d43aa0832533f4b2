/**
 * `npm ci` ends quietly: npm 11 blocks dependencies' install scripts unless package.json
 * decides (`allowScripts`) and lists every undecided one as a warning. Each package in the
 * lockfile with an install script has a decision here; the four we carry run nothing we need
 * (esbuild and msgpackr-extract load their prebuilt binaries from optional packages,
 * @scarf/scarf only reports installs, and protobufjs, under OpenTelemetry's exporters, only
 * warns about how dependents spell its version), so all are denied, and Scarf's reporting is also
 * turned off for npm versions that still run install scripts (`scarfSettings`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

describe('dependency install scripts', () => {
  const pkg = readJson('package.json') as {
    allowScripts?: Record<string, boolean>;
    scarfSettings?: { enabled?: boolean };
  };
  const lock = readJson('package-lock.json') as {
    packages: Record<string, { hasInstallScript?: boolean }>;
  };
  const withScripts = Object.entries(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('when the lockfile has packages with install scripts, then package.json decides each one', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => !(name in (pkg.allowScripts ?? {})));
    expect(undecided).toEqual([]);
  });

  it('when Scarf is installed, then its install-time reporting is off', () => {
    expect(withScripts).toContain('@scarf/scarf');
    expect(pkg.scarfSettings?.enabled).toBe(false);
  });
});
