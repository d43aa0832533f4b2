import type { Metrics } from '../platform/metrics';
import { dbErrorKind } from './db-error-kind';
import type { Repositories, Store } from './store';

/** Store members that are its life cycle, not statements: never timed. */
const UNTIMED = new Set(['kind', 'transaction', 'migrate', 'close', 'poolStats']);

type AnyFn = (...args: unknown[]) => Promise<unknown>;

/**
 * Times every storage operation into `db_query_duration_seconds{operation}` and counts its
 * failures by kind into `db_errors_total{kind}`. The operation is the repository method
 * (`otps.create`) or the login rule (`signIn`): a name in the code, so the label set is fixed
 * and no SQL text or value reaches it. PostgreSQL, PGlite and MongoDB are measured alike.
 * The cost per call is two clock reads and one observation.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const { dbQueryDuration, dbErrors } = metrics;
  const counted = new WeakSet<object>();
  const countError = (err: unknown) => {
    if (typeof err === 'object' && err !== null) {
      if (counted.has(err)) return;
      counted.add(err);
    }
    dbErrors.inc({ kind: dbErrorKind(err) });
  };
  const timed = (operation: string, fn: AnyFn, self: unknown): AnyFn => {
    const labels = { operation };
    return async (...args) => {
      const start = performance.now();
      try {
        return await fn.apply(self, args);
      } catch (err) {
        countError(err);
        throw err;
      } finally {
        dbQueryDuration.observe(labels, (performance.now() - start) / 1000);
      }
    };
  };
  const wrapRepository = (name: string, repository: object): object => {
    const wrapped: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(repository))
      wrapped[method] = typeof fn === 'function' ? timed(`${name}.${method}`, fn as AnyFn, repository) : fn;
    return wrapped;
  };
  const wrapAll = <T extends object>(members: T): T => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(members)) {
      if (UNTIMED.has(key)) out[key] = value;
      else if (typeof value === 'function') out[key] = timed(key, value as AnyFn, members);
      else if (typeof value === 'object' && value !== null) out[key] = wrapRepository(key, value);
      else out[key] = value;
    }
    return out as T;
  };

  const outer = wrapAll(store);
  const transactionLabels = { operation: 'transaction' };
  if (store.poolStats) metrics.watchPool(() => store.poolStats?.());
  return {
    ...outer,
    async transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
      const start = performance.now();
      try {
        return await store.transaction((tx) => work(wrapAll(tx)));
      } catch (err) {
        // Only the database's own failures (a commit refused, a deadlock): the work's errors
        // are the services' answers, and a repository's failure was counted where it happened.
        if (dbErrorKind(err) !== 'other') countError(err);
        throw err;
      } finally {
        dbQueryDuration.observe(transactionLabels, (performance.now() - start) / 1000);
      }
    },
  };
}
