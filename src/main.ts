import 'dotenv/config';
import { createApp } from './app';
import { buildContainer } from './composition-root';
import { boot } from './platform/boot';
import { loadConfig } from './platform/config/config';
import { closeServer, createServer, listen } from './platform/http/server';

/** loadConfig → buildContainer → listen; graceful shutdown on SIGTERM/SIGINT (platform/boot). */
boot({
  configure: () => loadConfig(process.env),
  async start(config) {
    const container = await buildContainer(config);
    const { logger } = container;
    const app = createApp(container);
    const server = createServer(app, { tls: config.tls });
    const port = await listen(server, config.port, config.host);
    logger.info('listening', {
      event: 'server.started',
      port,
      storage: container.store.kind,
      transport: container.mailer.name,
    });

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
