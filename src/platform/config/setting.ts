import Joi from 'joi';

/**
 * One environment variable, declared once: its Joi rule (whose `.description()` is the text of
 * `.env.example` and the README table), the dotted path where it lands in the typed `Config`
 * (`otp.length`; `null` when only a derived field or a cross-field rule reads it), `read`
 * (the validated text → the value the cross-field rules see) and `land` (that value → the
 * value stored at `to`).
 */
export interface Setting<To extends string | null, Env, Landed> {
  readonly to: To;
  readonly rule: Joi.Schema;
  readonly read: (validated: unknown) => Env;
  readonly land: (value: Env) => Landed;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table holds settings of every type
export type AnySetting = Setting<string | null, any, any>;

/** A string setting's value when set: trimmed, and blank counts as unset. */
export const trimmed = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/** A comma-separated setting's entries, trimmed, blanks dropped. */
export const entries = (v: unknown): string[] =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

const same = <T>(v: T): T => v;

/** A string rule whose validated value is one of `values`, so its type is their union. */
export const oneOf = <const V extends readonly string[]>(...values: V): Joi.StringSchema<V[number]> =>
  Joi.string<V[number]>().valid(...values);

/**
 * A setting with a default: Joi hands over a value of the rule's type (a number, a boolean,
 * one of the valid strings), never undefined; `land` may then reshape it.
 */
export function value<To extends string | null, T, Landed = T>(
  to: To,
  rule: Joi.AnySchema<T>,
  land?: (value: T) => Landed,
): Setting<To, T, Landed> {
  if (!('default' in (rule.describe().flags ?? {})))
    throw new Error(`setting for ${to ?? 'a derived field'} needs a default to be read with value()`);
  // Joi has validated and converted the value against `rule`, which gives it type T.
  return { to, rule, read: (v) => v as T, land: land ?? (same as (v: T) => Landed) };
}

/** An optional string (blank = unset); `land` may reshape it. A `oneOf` rule keeps its union, minus ''. */
export function text<
  To extends string | null,
  T extends string = string,
  Landed = Exclude<T, ''> | undefined,
>(
  to: To,
  rule: Joi.StringSchema<T>,
  land?: (value: Exclude<T, ''> | undefined) => Landed,
): Setting<To, Exclude<T, ''> | undefined, Landed> {
  // `rule` has admitted only its valid strings, and trimming one of those leaves it as it was.
  const read = (v: unknown) => trimmed(v) as Exclude<T, ''> | undefined;
  return { to, rule, read, land: land ?? (same as (v: Exclude<T, ''> | undefined) => Landed) };
}

/** A comma-separated list (unset = empty); `land` may reshape the entries. */
export function list<To extends string | null, Landed = string[]>(
  to: To,
  rule: Joi.StringSchema,
  land?: (entries: string[]) => Landed,
): Setting<To, string[], Landed> {
  return { to, rule, read: entries, land: land ?? (same as (v: string[]) => Landed) };
}

/** A field of `Config` computed from several settings (the storage union, the auto-picked transport). */
export interface Derived<To extends string, Env, V> {
  readonly to: To;
  readonly derive: (env: Env) => V;
}

export const derived = <Env>() => ({
  at: <To extends string, V>(to: To, derive: (env: Env) => V): Derived<To, Env, V> => ({ to, derive }),
});

/** The values the cross-field rules and derived fields see, by variable name. */
export type EnvOf<S extends Record<string, AnySetting>> = {
  readonly [K in keyof S]: ReturnType<S[K]['read']>;
};

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type PathOf<L> = L extends readonly [infer P extends string, unknown] ? P : never;
type Head<P extends string> = P extends `${infer H}.${string}` ? H : P;
type Leaf<L, H extends string> = L extends readonly [H, infer V] ? V : never;
type Below<L, H extends string> = L extends readonly [`${H}.${infer P}`, infer V] ? [P, V] : never;
type Node<L, H extends string> = [Leaf<L, H>] extends [never] ? Nest<Below<L, H>> : Leaf<L, H>;
type Optional<L, H extends string> = [Leaf<L, H>] extends [never]
  ? false
  : undefined extends Leaf<L, H>
    ? true
    : false;

/** `['otp.length', number] | ['port', number]` → `{ otp: { length: number }; port: number }`; undefined-able → optional. */
export type Nest<L> = Simplify<
  { [H in Head<PathOf<L>> as Optional<L, H> extends true ? never : H]: Node<L, H> } & {
    [H in Head<PathOf<L>> as Optional<L, H> extends true ? H : never]?: Node<L, H>;
  }
>;

/** Each setting's and each derived field's [path, value], for `Nest`. */
export type LandingsOf<
  S extends Record<string, AnySetting>,
  D extends readonly Derived<string, never, unknown>[],
> =
  | { [K in keyof S]: S[K]['to'] extends string ? [S[K]['to'], ReturnType<S[K]['land']>] : never }[keyof S]
  | { [I in keyof D]: D[I] extends Derived<infer To, never, infer V> ? [To, V] : never }[number];

/** Each setting's Joi rule by variable name, in declaration order (the order of the generated docs). */
export const rulesOf = (settings: Record<string, AnySetting>): Record<string, Joi.Schema> =>
  Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, s.rule]));

/** Reads every validated variable through its setting. */
export function readEnv<S extends Record<string, AnySetting>>(
  settings: S,
  validated: Record<string, unknown>,
) {
  const env = Object.fromEntries(
    Object.entries(settings).map(([name, s]) => [name, s.read(validated[name])]),
  );
  // One entry per key of S, each made by that key's own `read`.
  return env as EnvOf<S>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The walk: each setting's value lands at its path, then each derived field at its own. */
export function landAll<Env extends Record<string, unknown>>(
  settings: Record<string, AnySetting>,
  derivedFields: readonly Derived<string, Env, unknown>[],
  env: Env,
): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const put = (path: string, v: unknown) => {
    const keys = path.split('.');
    const last = keys.length - 1;
    let at = root;
    for (const key of keys.slice(0, last)) {
      const next = at[key] ?? (at[key] = {});
      if (!isRecord(next)) throw new Error(`config path ${path} goes through the value at ${key}`);
      at = next;
    }
    if (keys[last] in at) throw new Error(`config path ${path} is declared twice`);
    at[keys[last]] = v;
  };
  for (const [name, s] of Object.entries(settings)) if (s.to !== null) put(s.to, s.land(env[name]));
  for (const d of derivedFields) put(d.to, d.derive(env));
  return root;
}
