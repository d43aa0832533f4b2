// First: OpenTelemetry (when configured) must be running before the modules it traces load.
import './tracing';
import 'dotenv/config';
import { createApp } from './app';
import { buildContainer } from './composition-root';
import { boot } from './platform/boot';
import { loadConfig } from './platform/config/config';
import { renamedSettingWarnings, retiredSettingWarnings } from './platform/config/retired-settings';
import { describeStorage, withoutPassword } from './platform/config/describe-storage';
import { createLogger } from './platform/logger';
import { closeServer, createServer, listen } from './platform/http/server';

/**
 * loadConfig → buildContainer → listen, with a line per phase so a slow or stuck start shows
 * where it is; graceful shutdown on SIGTERM/SIGINT (platform/boot).
 */
boot({
  configure: () => loadConfig(process.env),
  async start(config) {
    const logger = createLogger({ level: config.logLevel });
    // Each line carries the milliseconds since the process started, so a slow phase shows.
    const sinceStart = () => Math.round(performance.now());
    const phase = (message: string, fields: Record<string, unknown> = {}) =>
      logger.info(message, { event: 'server.starting', ms: sinceStart(), ...fields });
    phase('configuration loaded', { env: config.env });
    for (const warning of retiredSettingWarnings(process.env))
      logger.warn(warning, { event: 'config.retired' });
    for (const warning of renamedSettingWarnings(process.env))
      logger.warn(warning, { event: 'config.deprecated' });
    phase(`database: opening ${describeStorage(config.storage)} and applying migrations`);
    const container = await buildContainer(config, { logger });
    phase('database ready', { storage: container.store.kind });
    phase(
      config.redis.enabled
        ? `redis: ${config.redis.url ? withoutPassword(config.redis.url) : 'cluster'}`
        : 'redis: off (one instance; limits and the mail queue live in memory)',
    );
    phase(`mail transport: ${container.mailer.name}`);
    const app = createApp(container);
    const server = createServer(app, { tls: config.tls });
    const port = await listen(server, config.port, config.host);
    const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host;
    const url = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info(`listening on ${url}`, { event: 'server.started', ms: sinceStart(), port, url });
    logger.info(`docs at ${url}/docs`, { event: 'server.started' });

    const sweep = setInterval(
      () => container.sweep().catch((err) => logger.warn('sweep failed', { error: String(err) })),
      300_000,
    );
    sweep.unref();
    void container.sweep().catch(() => undefined);

    return {
      logger,
      lines: {
        stopping: { message: 'shutting down', event: 'server.stopping' },
        stopped: { message: 'stopped', event: 'server.stopped' },
      },
      async stop() {
        container.beginShutdown();
        clearInterval(sweep);
        await closeServer(server, config.shutdownGraceMs);
        await container.close();
      },
    };
  },
});
