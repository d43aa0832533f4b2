/* eslint-disable no-console -- the process entry point reports boot failures before a logger exists */
import 'dotenv/config';
import { buildContainer } from './composition-root';
import { ConfigError, loadConfig, type Config } from './platform/config/config';
import { installProcessHandlers } from './platform/process-signals';

/**
 * `npm run worker`: the email worker as its own process (API instances then run with
 * EMAIL_WORKER_IN_PROCESS=false). loadConfig → container with the worker on → wait; SIGTERM
 * lets the active jobs finish (or hands them back to the queue) before exiting 0.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  if (!config.redis.enabled) {
    console.error(
      'npm run worker needs REDIS_URL (or REDIS_CLUSTER_NODES): without Redis, the API sends email itself',
    );
    process.exit(78);
  }
  const container = await buildContainer({
    ...config,
    emailWorker: { ...config.emailWorker, inProcess: true },
  });
  const { logger } = container;
  logger.info('email worker started', {
    event: 'worker.started',
    storage: container.store.kind,
    transport: container.mailer.name,
    concurrency: config.emailWorker.concurrency,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('email worker stopping', { event: 'worker.stopping', signal });
    await container.close();
    logger.info('email worker stopped', { event: 'worker.stopped' });
    process.exit(0);
  };
  installProcessHandlers(logger, shutdown);
}

main().catch((err: unknown) => {
  console.error('failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
