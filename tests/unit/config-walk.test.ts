import Joi from 'joi';
import { loadConfig } from '../../src/platform/config/config';
import { settings } from '../../src/platform/config/config.settings';
import { envSchema } from '../../src/platform/config/config.schema';
import { derived, landAll, list, readEnv, text, value } from '../../src/platform/config/setting';

/** The value at a dotted path of a plain object. */
const at = (root: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);

describe('the walk from variables to Config', () => {
  const declared = {
    A_NUMBER: value('section.number', Joi.number().default(1).description('a')),
    A_TEXT: text('section.text', Joi.string().allow('').description('b')),
    A_LIST: list('list', Joi.string().allow('').description('c'), (e) => e.map((s) => s.toUpperCase())),
    AN_INPUT: text(null, Joi.string().allow('').description('d')),
  };
  type Env = ReturnType<typeof readEnv<typeof declared>>;
  const field = derived<Env>().at;

  it('when variables are read, then blanks are unset, lists are split and each lands at its path', () => {
    const env = readEnv(declared, { A_NUMBER: 7, A_TEXT: '   ', A_LIST: ' x, ,y ', AN_INPUT: ' in ' });
    expect(env).toEqual({ A_NUMBER: 7, A_TEXT: undefined, A_LIST: ['x', 'y'], AN_INPUT: 'in' });
    const config = landAll(declared, [field('section.derived', (e) => `${e.AN_INPUT}!`)], env);
    expect(config).toStrictEqual({
      section: { number: 7, text: undefined, derived: 'in!' },
      list: ['X', 'Y'],
    });
  });

  it('when two declarations land at one path, or one lands inside another value, then the walk refuses', () => {
    const env = readEnv(declared, { A_NUMBER: 1 });
    expect(() => landAll(declared, [field('section.number', () => 2)], env)).toThrow(/declared twice/);
    expect(() => landAll(declared, [field('section.number.deeper', () => 2)], env)).toThrow(
      /goes through the value at number/,
    );
  });

  it('when a value() setting has no default, then declaring it fails (it could be undefined)', () => {
    expect(() => value('x', Joi.number().description('no default'))).toThrow(/needs a default/);
  });

  it('when the schema is described, then it lists every declared variable once, in declaration order', () => {
    const described = envSchema.describe() as { keys: Record<string, unknown> };
    expect(Object.keys(described.keys)).toEqual(Object.keys(settings));
  });

  const adjusted = Object.entries(settings).flatMap(
    ([name, s]): Array<[string, string, number | boolean]> => {
      if (s.to === null) return [];
      const d = s.rule.describe() as {
        type: string;
        flags?: { default?: unknown };
        rules?: Array<{ name: string; args?: { limit?: number } }>;
      };
      const limit = (rule: string) => d.rules?.find((r) => r.name === rule)?.args?.limit;
      if (d.type === 'boolean') return [[name, s.to, !d.flags?.default]];
      if (d.type !== 'number' || typeof d.flags?.default !== 'number') return [];
      const pick = [limit('min'), limit('max'), 1, 2].find((n) => n !== undefined && n !== d.flags?.default);
      return pick === undefined ? [] : [[name, s.to, pick]];
    },
  );

  it.each(adjusted)('when %s is set apart from its default, then it lands at %s', (name, path, wanted) => {
    const config = loadConfig({ [name]: String(wanted) });
    expect(at(config, path)).toBe(wanted);
  });

  it('when the walk places the derived fields, then each reads the settings it is made of', () => {
    const config = loadConfig({
      DATABASE_URL: 'mongodb://db:27017/otp',
      MONGODB_POOL_SIZE: '25',
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '2000',
      MONGODB_SOCKET_TIMEOUT_MS: '0',
      MONGODB_READ_PREFERENCE: 'secondaryPreferred',
      REDIS_URL: ' redis://cache:6379 ',
      CACHE_TTL_SECONDS: '600',
      ACCESS_TOKEN_TTL_SECONDS: '300',
      TLS_CERT_FILE: 'cert.pem',
      TLS_KEY_FILE: 'key.pem',
      MAILGUN_API_KEY: 'key',
      MAILGUN_DOMAIN: 'mg.example.com',
    });
    expect(config.storage).toEqual({
      kind: 'mongo',
      url: 'mongodb://db:27017/otp',
      poolSize: 25,
      serverSelectionTimeoutMs: 2000,
      socketTimeoutMs: 0,
      sessionReadPreference: 'secondaryPreferred',
      autoIndex: true,
    });
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.redis).toMatchObject({ enabled: true, url: 'redis://cache:6379', cacheTtlSeconds: 300 });
    expect(config.tls).toEqual({ certFile: 'cert.pem', keyFile: 'key.pem' });
    expect(config.email.transport).toBe('mailgun');
    expect(config.email.smtp.host).toBe('localhost');
  });
});
