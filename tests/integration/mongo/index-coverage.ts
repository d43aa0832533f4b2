import type { Filter, Sort } from '../../../src/platform/mongo/mongo-ops';

/**
 * A small model of MongoDB's planner, enough to say whether a declared index serves a filter:
 * the index's leading keys must be bound by the filter (equalities, then at most one range),
 * a partial index only counts when the filter repeats its partial filter expression, and a
 * sort must follow the index keys right after the equality prefix (so it is not done in
 * memory). `$in` counts as an equality, as the planner explodes it into point intervals.
 */
export interface IndexSpec {
  keys: Array<[string, number]>;
  options: Record<string, unknown>;
}

const RANGE_OPERATORS = ['$gt', '$gte', '$lt', '$lte'];

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  v !== null &&
  typeof v === 'object' &&
  !(v instanceof Date) &&
  Object.keys(v as object).some((k) => k.startsWith('$'));

/** A filter with a top-level `$or` is served only if each branch (with the rest of the filter) is. */
export function branchesOf(filter: Filter): Filter[] {
  const { $or, ...rest } = filter as Filter & { $or?: Filter[] };
  if (!$or) return [rest];
  return $or.map((branch) => ({ ...rest, ...branch }));
}

function bindings(filter: Filter): { equality: Set<string>; range: Set<string> } {
  const equality = new Set<string>();
  const range = new Set<string>();
  for (const [field, value] of Object.entries(filter)) {
    if (field.startsWith('$')) throw new Error(`unexpected top-level ${field} in a branch`);
    if (!isOperatorObject(value)) equality.add(field);
    else if ('$eq' in value || '$in' in value) equality.add(field);
    else if (RANGE_OPERATORS.some((o) => o in value)) range.add(field);
  }
  return { equality, range };
}

function partialFilterHolds(index: IndexSpec, filter: Filter): boolean {
  const partial = index.options.partialFilterExpression as
    Record<string, Record<string, unknown>> | undefined;
  if (!partial) return true;
  return Object.entries(partial).every(([field, condition]) => {
    const value = filter[field];
    return (
      isOperatorObject(value) &&
      Object.entries(condition).every(([k, v]) => (value as Record<string, unknown>)[k] === v)
    );
  });
}

/** Whether `sort` follows the index keys after its equality-bound prefix (all forward or all reversed). */
function sortFollows(index: IndexSpec, equality: Set<string>, sort: Sort | undefined): boolean {
  if (!sort) return true;
  const wanted = Object.entries(sort).filter(([field]) => !equality.has(field));
  let i = 0;
  while (i < index.keys.length && equality.has(index.keys[i][0])) i += 1;
  const next = index.keys.slice(i, i + wanted.length);
  if (next.length < wanted.length) return false;
  const forward = wanted.every(([f, d], j) => next[j][0] === f && next[j][1] === d);
  const reverse = wanted.every(([f, d], j) => next[j][0] === f && next[j][1] === -d);
  return forward || reverse;
}

/** How many leading index keys the filter binds: equalities, then one range. */
function boundPrefix(index: IndexSpec, equality: Set<string>, range: Set<string>): number {
  let n = 0;
  for (const [field] of index.keys) {
    if (equality.has(field)) n += 1;
    else {
      if (range.has(field)) n += 1;
      break;
    }
  }
  return n;
}

/** The index that serves one branch best, or undefined when only a collection scan would. */
export function servingIndex(
  indexes: IndexSpec[],
  filter: Filter,
  options: { sort?: Sort; hint?: Sort } = {},
): IndexSpec | undefined {
  if (options.hint) {
    const hinted = JSON.stringify(Object.entries(options.hint));
    return indexes.find((index) => JSON.stringify(index.keys) === hinted);
  }
  const { equality, range } = bindings(filter);
  let best: { index: IndexSpec; bound: number } | undefined;
  for (const index of indexes) {
    if (!partialFilterHolds(index, filter)) continue;
    if (!sortFollows(index, equality, options.sort)) continue;
    const bound = boundPrefix(index, equality, range);
    // An empty filter is served by an index that provides the requested order.
    const serves = bound > 0 || (equality.size === 0 && range.size === 0 && options.sort !== undefined);
    if (serves && (!best || bound > best.bound)) best = { index, bound };
  }
  return best?.index;
}

/** Every field a filter names (through `$or` branches). */
export function fieldsOf(filter: Filter): string[] {
  return [...new Set(branchesOf(filter).flatMap((b) => Object.keys(b)))];
}
