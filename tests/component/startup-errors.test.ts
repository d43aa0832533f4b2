import { buildContainer } from '../../src/composition-root';
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { POSTGRES_ADMIN_URL } from '../helpers/databases';

const SECRET = 'a3f1c9e07b5d2468a3f1c9e07b5d2468a3f1c9e07b5d2468';

/** Why buildContainer refused to start on this database URL. */
async function startFailure(url: string): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: SECRET, POSTGRESQL_URL: url });
  const container = await buildContainer(config).catch((err: Error) => err);
  if (!(container instanceof Error)) {
    await container.close();
    throw new Error('expected the start to fail');
  }
  return container.message;
}

function configProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const server = new URL(POSTGRES_ADMIN_URL);

describe('start-up errors name their cause', () => {
  it('when nothing listens on the port, then the error names host:port and "connection refused"', async () => {
    const message = await startFailure('postgresql://postgres@127.0.0.1:1/otp');
    expect(message).toMatch(/127\.0\.0\.1:1\b.*connection refused/);
  });

  it('when the host does not resolve, then the error says "unknown host"', async () => {
    const message = await startFailure('postgresql://postgres@no-such-host.invalid:5432/otp');
    expect(message).toMatch(/no-such-host\.invalid:5432.*unknown host/);
  });

  it('when the database does not exist, then the error says so and names it', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = '/otp_no_such_database';
    const message = await startFailure(url.toString());
    expect(message).toMatch(new RegExp(`${server.hostname}:${server.port || 5432}.*database missing`));
    expect(message).toMatch(/otp_no_such_database/);
  });

  it('when the URL has a scheme the service does not speak, then config refuses it listing the supported ones', () => {
    const problems = configProblems({ DATABASE_URL: 'mysql://app:pw@db/otp' }).join('\n');
    expect(problems).toMatch(
      /DATABASE_URL.*mysql:.*postgres:\/\/, postgresql:\/\/, mongodb:\/\/, mongodb\+srv:\/\//,
    );
    expect(problems).not.toMatch(/pw/);
  });

  it('when the URL is not a URL, then config refuses it', () => {
    expect(configProblems({ POSTGRESQL_URL: 'not-a-url' }).join('\n')).toMatch(/POSTGRESQL_URL is not a URL/);
  });
});
