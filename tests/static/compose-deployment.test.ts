/** docker-compose.yml as a deployment: healthchecks and start order, the mail catcher on loopback only, MongoDB's replica set, and the example secrets refused. */
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { dependsOn, hasHealthcheck, readYaml, serviceEnv } from './deployment-files';

const compose = readYaml('docker-compose.yml');
const services = compose.services as Record<string, any>;

describe('docker-compose.yml', () => {
  it('when the api and worker start, then they wait for a healthy mongo and redis, and every service has a healthcheck', () => {
    for (const name of ['api', 'worker']) {
      expect(dependsOn(services[name])).toMatchObject({ mongo: 'service_healthy', redis: 'service_healthy' });
    }
    const without = Object.entries(services)
      .filter(([, service]) => !hasHealthcheck(service))
      .map(([name]) => name);
    expect(without).toEqual([]);
  });

  it('when the checks see a broken compose file, then they report it', () => {
    expect(dependsOn({ depends_on: ['mongo'] }).mongo).toBe('service_started');
    expect(hasHealthcheck({ healthcheck: { disable: true } })).toBe(false);
    expect(hasHealthcheck({ healthcheck: { test: ['NONE'] } })).toBe(false);
    expect(hasHealthcheck({})).toBe(false);
  });

  it('when the mail catcher is published, then only on the loopback interface (its inbox holds every code)', () => {
    expect(services.mailpit.ports.map(String)).toContain('127.0.0.1:8025:8025');
    expect(services.mailpit.ports.map(String).filter((p: string) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('when the api uses MongoDB, then its URL names the replica set mongo runs (transactions need one)', () => {
    const url = new URL(serviceEnv(services.api).DATABASE_URL);
    expect(url.hostname).toBe('mongo');
    const command: string[] = [].concat(services.mongo.command);
    expect(command[command.indexOf('--replSet') + 1]).toBe(url.searchParams.get('replicaSet'));
  });

  it('when .env.docker is copied from the example unchanged, then the production api refuses to start; with real secrets it starts', () => {
    const env = serviceEnv(services.api);
    expect(env.NODE_ENV).toBe('production');
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig(env)).toThrow(/METRICS_TOKEN/);
    const real = {
      ...env,
      SESSION_SECRET: 'f'.repeat(24) + '0123456789abcdef0123456789abcdef0123456789',
      METRICS_TOKEN: 'metrics-0123456789abcdef',
      ADMIN_API_KEYS: 'admin-0123456789abcdef0123456789',
    };
    expect(loadConfig(real).env).toBe('production');
  });
});
