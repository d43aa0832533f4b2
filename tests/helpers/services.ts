import {
  readServiceReport,
  recordSkip,
  SERVICE_NAMES,
  type Service,
  type ServiceReport,
} from '../setup/services';

export type { Service } from '../setup/services';

let report: ServiceReport | undefined;
let skipping = 0;
const services = () => (report ??= readServiceReport());

/** The servers of `needs` that this run has not got (probed once by the globalSetup). */
export function missingServices(needs: Service | Service[]): Service[] {
  return ([] as Service[]).concat(needs).filter((s) => !services()[s].available);
}

/**
 * `describe` for a suite that needs servers: when one is missing, the suite is registered with
 * `describe.skip`, so its tests are reported SKIPPED (never passed), and the run's teardown
 * prints which server was missing and why.
 */
export function describeWith(needs: Service | Service[], title: string, fn: () => void): void {
  const missing = missingServices(needs);
  if (missing.length === 0) {
    describe(title, fn);
    return;
  }
  // A suite nested in one already skipped is listed once, by the outer one.
  if (skipping === 0) recordSkip({ file: expect.getState().testPath ?? 'unknown file', title, missing });
  describe.skip(`${title} (SKIPPED: no ${missing.map((s) => SERVICE_NAMES[s]).join(', no ')})`, () => {
    skipping += 1;
    try {
      fn();
    } finally {
      skipping -= 1;
    }
  });
}

/** `describe.each` over storages: the `postgres` one needs the server, the PGlite ones nothing. */
export function describeEachStorage<S extends string>(
  storages: readonly S[],
  title: string,
  fn: (storage: S) => void,
): void {
  for (const storage of storages) {
    describeWith(storage === 'postgres' ? 'postgres' : [], title.replace('%s', storage), () => fn(storage));
  }
}
