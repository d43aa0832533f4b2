/**
 * docker-compose.yml must work for `docker compose` (v2) and for `docker-compose` 1.29, and must
 * not open the mail catcher to the network. It is validated against the Compose Specification's
 * JSON schema, vendored as tests/static/compose-spec.schema.json (source and version in
 * tests/static/README.md). That schema is the v2 one; 1.29 refuses a few top-level keys v2
 * accepts (`name`, `include`, `models`), so those are checked separately.
 */
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
const schema = JSON.parse(readFileSync(join(__dirname, 'compose-spec.schema.json'), 'utf8'));

/** The schema declares `$schema: https://json-schema.org/draft-07/schema`: Ajv's draft-07 under that id. */
function composeValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(schema);
}
const validate = composeValidator();

/** The top-level keys docker-compose 1.29's own schema allows (besides `x-` extensions). */
const TOP_LEVEL_1_29 = ['version', 'services', 'networks', 'volumes', 'secrets', 'configs'];
const keysRefusedBy129 = (file: Record<string, unknown>): string[] =>
  Object.keys(file).filter((key) => !key.startsWith('x-') && !TOP_LEVEL_1_29.includes(key));

interface Published {
  hostIp: string;
  published: string;
  target: string;
}

/**
 * The host side of each `ports:` entry, short ("[IP:][HOST:]CONTAINER[/proto]") or long form.
 * An entry with no host IP listens on every interface, as does 0.0.0.0 or [::].
 */
function publishedPorts(service: any): Published[] {
  return (service.ports ?? []).map((entry: unknown): Published => {
    if (entry !== null && typeof entry === 'object') {
      const long = entry as Record<string, unknown>;
      return {
        hostIp: String(long.host_ip ?? ''),
        published: String(long.published ?? ''),
        target: String(long.target),
      };
    }
    const spec = String(entry).replace(/\/(tcp|udp|sctp)$/, '');
    const ipv6 = /^\[([^\]]*)\]:(.*)$/.exec(spec);
    const [hostIp, rest] = ipv6 ? [ipv6[1], ipv6[2]] : ['', spec];
    const parts = rest.split(':');
    if (!ipv6 && parts.length === 3) return { hostIp: parts[0], published: parts[1], target: parts[2] };
    if (parts.length === 2) return { hostIp, published: parts[0], target: parts[1] };
    return { hostIp, published: '', target: parts[0] };
  });
}

const onAllInterfaces = (port: Published): boolean => ['', '0.0.0.0', '::', '[::]'].includes(port.hostIp);

describe('docker-compose.yml against the Compose Specification schema', () => {
  it('when validated, then the schema reports no error', () => {
    validate(compose);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('when docker-compose 1.29 reads it, then there is no top-level key it refuses (name, include, models)', () => {
    expect(keysRefusedBy129(compose)).toEqual([]);
  });

  it('when the validator sees a broken file, then it reports it', () => {
    expect(validate({ services: { api: { image: 'x', restart_policy: 'always' } } })).toBe(false);
    expect(validate({ services: { api: { depends_on: { db: { condition: 'healthy' } } } } })).toBe(false);
    expect(validate({ name: 'otp', services: {} })).toBe(true);
    expect(keysRefusedBy129({ name: 'otp', services: {}, 'x-env': {} })).toEqual(['name']);
  });
});

describe('docker-compose.yml published ports', () => {
  const services = compose.services as Record<string, any>;

  it('when mailpit publishes its inbox and SMTP ports, then each is bound to 127.0.0.1 only', () => {
    const ports = publishedPorts(services.mailpit);
    expect(ports.map((p) => p.target).sort()).toEqual(['1025', '8025']);
    expect(ports.filter(onAllInterfaces)).toEqual([]);
    expect(ports.map((p) => p.hostIp)).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('when the databases run, then none of mongo, redis or postgres is reachable from other hosts', () => {
    for (const name of ['mongo', 'redis', 'postgres']) {
      expect(publishedPorts(services[name] ?? {}).filter(onAllInterfaces)).toEqual([]);
    }
  });

  it('when the port parser reads each short and long form, then it finds the host IP', () => {
    const parsed = publishedPorts({
      ports: [
        '8025:8025',
        '127.0.0.1:1025:1025',
        '5000',
        '[::1]:80:8080/tcp',
        { target: 1, host_ip: '0.0.0.0' },
      ],
    });
    expect(parsed.map((p) => p.hostIp)).toEqual(['', '127.0.0.1', '', '::1', '0.0.0.0']);
    expect(parsed.map(onAllInterfaces)).toEqual([true, false, true, false, true]);
  });
});

describe('docker-compose.yml PostgreSQL profile', () => {
  const services = compose.services as Record<string, any>;
  const example = readFileSync(join(root, '.env.docker.example'), 'utf8');

  it('when the postgres profile is not asked for, then no postgres container starts', () => {
    expect(services.postgres).toBeDefined();
    expect(services.postgres.profiles).toEqual(['postgres']);
    expect(services.postgres.image).toMatch(/^postgres:\d+/);
  });

  it('when postgres runs, then it keeps its data in a named volume and reports healthy through pg_isready', () => {
    expect([].concat(services.postgres.healthcheck.test).join(' ')).toMatch(/pg_isready/);
    const volumes: string[] = (services.postgres.volumes ?? []).map(String);
    expect(volumes.some((v) => /^[a-z][\w-]*:\/var\/lib\/postgresql\/data$/.test(v))).toBe(true);
  });

  it('when the operator switches the api to it, then .env.docker.example shows a POSTGRESQL_URL for host postgres', () => {
    const line = /^#\s*POSTGRESQL_URL=(\S+)/m.exec(example)?.[1] ?? '';
    expect(new URL(line).hostname).toBe('postgres');
    expect(example).toMatch(/^POSTGRES_PASSWORD=CHANGE_ME/m);
  });
});
