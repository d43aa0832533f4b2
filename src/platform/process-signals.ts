import type { Logger } from 'winston';

/**
 * SIGTERM/SIGINT run `shutdown` once; after an unexpected exception or rejection the process
 * state is unknown, so it logs and exits 1 for the supervisor to restart it.
 */
export function installProcessHandlers(logger: Logger, shutdown: (signal: string) => Promise<void>): void {
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception', { error: err.message, stack: err.stack });
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: String(reason) });
    process.exit(1);
  });
}
