// First: OpenTelemetry (when configured) must be running before the modules it traces load.
import './tracing';
import 'dotenv/config';
import { buildContainer } from './composition-root';
import { boot } from './platform/boot';
import { loadConfig } from './platform/config/config';

/**
 * `npm run worker`: the email worker as its own process (API instances then run with
 * EMAIL_WORKER_IN_PROCESS=false). loadConfig → container with the worker on → wait; SIGTERM
 * lets the active jobs finish (or hands them back to the queue) before exiting 0.
 */
boot({
  configure: () => loadConfig(process.env),
  refuse: (config) =>
    config.redis.enabled
      ? undefined
      : 'npm run worker needs REDIS_URL (or REDIS_CLUSTER_NODES): without Redis, the API sends email itself',
  async start(config) {
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
    return {
      logger,
      lines: {
        stopping: { message: 'email worker stopping', event: 'worker.stopping' },
        stopped: { message: 'email worker stopped', event: 'worker.stopped' },
      },
      stop: () => container.close(),
    };
  },
});
