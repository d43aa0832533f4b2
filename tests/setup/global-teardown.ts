import { rmSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { readServiceReport, readSkips, SERVICE_NAMES, servicesFile, type Service } from './services';

/**
 * Ends the run's summary with every suite that was SKIPPED for want of a server, and why:
 * skipped suites are never counted as passed, and the reason is never swallowed.
 */
export default async function globalTeardown(): Promise<void> {
  const file = servicesFile();
  if (!file) return;
  const report = readServiceReport();
  const skips = readSkips(file);
  rmSync(dirname(file), { recursive: true, force: true });
  if (skips.length === 0) return;

  const lines = ['', 'Skipped suites (missing servers or browser; these tests did NOT run):'];
  const missing = [...new Set(skips.flatMap((s) => s.missing))] as Service[];
  for (const service of missing) {
    lines.push(`  ${SERVICE_NAMES[service]}: ${report[service].reason ?? 'unavailable'}`);
    for (const skip of skips.filter((s) => s.missing.includes(service))) {
      lines.push(`    - ${relative(process.cwd(), skip.file)} › ${skip.title}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
