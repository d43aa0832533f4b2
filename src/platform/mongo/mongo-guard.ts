/**
 * A repository input that carries a query operator. Reaching it means a value that should have
 * been a string (an email, an id, a hash) arrived as an object: the HTTP layer's schemas refuse
 * these with 400 (docs/security.md, row 43), so this is a bug upstream, and nothing is queried.
 */
export class UnsafeInputError extends Error {
  constructor(where: string) {
    super(`${where}: an input object carries a query operator ($-prefixed key); nothing was queried`);
    this.name = 'UnsafeInputError';
  }
}

const MAX_DEPTH = 8;

function inspect(value: unknown, where: string, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (value instanceof Date || Buffer.isBuffer(value)) return;
  // Deeper than any input a port takes: refuse rather than walk an attacker's structure.
  if (depth > MAX_DEPTH) throw new UnsafeInputError(where);
  if (Array.isArray(value)) {
    for (const item of value) inspect(item, where, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    if (key.startsWith('$')) throw new UnsafeInputError(where);
    inspect((value as Record<string, unknown>)[key], where, depth + 1);
  }
}

/**
 * Rejects any argument that is, or contains, an object with a `$` key (`{ $gt: '' }`,
 * `{ $where: '1' }`, `{ email: { $ne: null } }`). Why, besides mongoose's sanitizeFilter: that
 * wraps operators in `$eq` only inside filters; update documents and values copied into
 * inserted documents are not filters, and a refusal is louder than a silent rewrite.
 */
export function assertNoOperators(args: readonly unknown[], where: string): void {
  for (const arg of args) inspect(arg, where, 0);
}

/**
 * Wraps every method of a repository so its arguments pass `assertNoOperators` before the
 * method runs, i.e. before any filter or update is built. Wrapping the whole object, rather than
 * calling the guard in each method, means a method added later cannot forget it.
 */
export function guardRepository<T extends object>(name: string, repository: T): T {
  const guarded: Record<string, unknown> = {};
  for (const [method, fn] of Object.entries(repository)) {
    if (typeof fn !== 'function') {
      guarded[method] = fn;
      continue;
    }
    guarded[method] = async (...args: unknown[]) => {
      assertNoOperators(args, `${name}.${method}`);
      return (fn as (...a: unknown[]) => Promise<unknown>).apply(repository, args);
    };
  }
  return guarded as T;
}
