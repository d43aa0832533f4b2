import { assertNoOperators, UnsafeInputError } from '../../../src/platform/mongo/mongo-guard';
import { createMongoRepositories } from '../../../src/store/mongo/mongo-repositories';
import { createRecordingOps } from './recording-ops';
import { allRepositoryCalls } from './repository-calls';

/**
 * SECURITY.md item 43 at the storage layer: an input object with `$` keys is refused by the
 * guard in front of every Mongo repository method, before any filter or update is built (the
 * recorder sees no call). The HTTP layer refuses the same payloads with 400 first.
 */
const INJECTIONS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: '1' },
  { $regex: '.*' },
  { nested: { $gt: '' } },
  [{ $in: ['a'] }],
];

/** The sample arguments with one position, or one field of an object argument, replaced. */
function poisoned(args: unknown[], injection: unknown): unknown[][] {
  const variants: unknown[][] = [];
  args.forEach((arg, i) => {
    variants.push(args.map((a, j) => (j === i ? injection : a)));
    if (arg !== null && typeof arg === 'object' && !(arg instanceof Date) && !Array.isArray(arg)) {
      for (const key of Object.keys(arg)) {
        variants.push(args.map((a, j) => (j === i ? { ...(arg as object), [key]: injection } : a)));
      }
    }
  });
  return variants;
}

describe('the operator guard in front of the Mongo repositories', () => {
  it.each(allRepositoryCalls())(
    'when %s.%s gets an operator object in any argument, then it is refused before any query',
    async (repo, method, args) => {
      for (const injection of INJECTIONS) {
        for (const bad of poisoned(args, injection)) {
          const { ops, calls } = createRecordingOps();
          const repositories = createMongoRepositories(ops) as unknown as Record<
            string,
            Record<string, (...a: unknown[]) => Promise<unknown>>
          >;
          await expect(repositories[repo][method](...bad)).rejects.toBeInstanceOf(UnsafeInputError);
          expect(calls).toEqual([]);
        }
      }
    },
  );

  it('when the arguments are plain values and dates, then the guard lets them through', () => {
    expect(() =>
      assertNoOperators(
        ['a@example.com', 3, null, undefined, new Date(), ['x'], { limit: 2, after: { id: 'x' } }],
        'test',
      ),
    ).not.toThrow();
  });

  it('when the operator hides deep in an array or object, then the guard still finds it', () => {
    expect(() => assertNoOperators([{ a: [{ b: { $where: 'sleep(1)' } }] }], 'test')).toThrow(
      UnsafeInputError,
    );
    expect(() => assertNoOperators([[[{ $expr: {} }]]], 'test')).toThrow(UnsafeInputError);
  });

  it('when an input nests deeper than any port takes, then it is refused rather than walked', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20; i += 1) deep = { d: deep };
    expect(() => assertNoOperators([deep], 'test')).toThrow(UnsafeInputError);
  });

  it('when refused, then the message names the method but not the value', () => {
    try {
      assertNoOperators([{ $gt: 'secret-value' }], 'users.findByEmail');
      throw new Error('not refused');
    } catch (err) {
      expect((err as Error).message).toContain('users.findByEmail');
      expect((err as Error).message).not.toContain('secret-value');
    }
  });
});
