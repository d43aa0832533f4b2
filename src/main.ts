/* eslint-disable no-console -- the process entry point reports boot failures before a logger exists */
import 'dotenv/config';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { buildContainer } from './composition-root';
import { ConfigError, loadConfig } from './platform/config/config';
import { createServer } from './platform/http/server';
import { installProcessHandlers } from './platform/process-signals';

/** loadConfig → buildContainer → listen; graceful shutdown on SIGTERM/SIGINT; exit codes for supervisors. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG: a supervisor should not restart-loop on this
    }
    throw err;
  }
  const container = await buildContainer(config);
  const { logger } = container;
  const app = createApp(container);
  const server = createServer(app, { tls: config.tls });
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { event: 'server.stopping', signal });
    container.beginShutdown();
    clearInterval(sweep);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
    timer.unref();
    await closed;
    await container.close();
    logger.info('stopped', { event: 'server.stopped' });
    process.exit(0);
  };
  installProcessHandlers(logger, shutdown);
}

main().catch((err: unknown) => {
  console.error('failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
